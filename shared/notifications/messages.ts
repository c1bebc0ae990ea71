import type { Delivery } from '../deliveries/schemas.js';
import { html } from '../tracking/html.js';
import { formatDayAndTime } from '../tracking/i18n.js';
import type { NotifiedEventType } from './schemas.js';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

interface Wording {
  subject: string;
  greeting: string;
  /** The French paragraph, then the link on its own line. */
  french: string;
  linkLabel: string;
  note?: string;
  english: string;
}

const nouns = {
  fr: { delivery: 'livraison', pickup: 'collecte' },
  en: { delivery: 'delivery', pickup: 'pickup' },
} as const;

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

function wording(type: NotifiedEventType, delivery: Delivery, options: { hubName: string; retentionDays: number; at: string }): Wording {
  const fr = nouns.fr[delivery.kind];
  const en = nouns.en[delivery.kind];
  const days = options.retentionDays;
  const whenFr = formatDayAndTime(options.at, 'fr');
  const whenEn = formatDayAndTime(options.at, 'en');
  switch (type) {
    case 'delivery.booked':
      return {
        subject: `Suivez votre ${fr} · Track your ${en}`,
        greeting: 'Bonjour,',
        french: `${options.hubName} va effectuer une ${fr} pour vous, à vélo. Vous pouvez la suivre ici :`,
        linkLabel: `Suivre ma ${fr}`,
        note: `Ce lien reste valable ${days} jour${days > 1 ? 's' : ''} après la ${fr}. La page n’affiche ni nom, ni adresse, ni numéro de téléphone.`,
        english: `In English: ${options.hubName} will make a ${en} for you, by bike. Track it here:`,
      };
    case 'delivery.delivered':
      return {
        subject: `${capitalised(fr)} effectuée · ${capitalised(en)} completed`,
        greeting: 'Bonjour,',
        french: `Votre ${fr} a été effectuée le ${whenFr} (heure de Paris). Le récapitulatif :`,
        linkLabel: 'Voir le suivi',
        english: `In English: your ${en} was completed on ${whenEn} (Paris time). Summary:`,
      };
    case 'delivery.failed':
      return {
        subject: `${capitalised(fr)} non effectuée · ${capitalised(en)} not completed`,
        greeting: 'Bonjour,',
        french: `Votre ${fr} n’a pas pu être effectuée le ${whenFr} (heure de Paris). ${
          delivery.kind === 'pickup' ? 'Contactez l’organisme qui l’a programmée' : 'Contactez l’expéditeur'
        } pour convenir d’une nouvelle date. Le suivi :`,
        linkLabel: 'Voir le suivi',
        english: `In English: your ${en} could not be completed on ${whenEn} (Paris time). Please contact ${
          delivery.kind === 'pickup' ? 'the organisation that booked it' : 'the sender'
        } to arrange a new date. Tracking:`,
      };
    case 'delivery.rescheduled': {
      const day = new Date(`${delivery.serviceDate}T12:00:00Z`);
      const dayFr = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'Europe/Paris' }).format(day);
      const dayEn = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'Europe/Paris' }).format(day);
      const back = delivery.returnToSender;
      return {
        subject: back ? `${capitalised(fr)} : retour à l’expéditeur · ${capitalised(en)}: back to the sender` : `Nouvelle tentative de ${fr} · New ${en} attempt`,
        greeting: 'Bonjour,',
        french: back
          ? `Après l’échec de la ${fr}, le colis repart chez l’expéditeur le ${dayFr}. Le suivi :`
          : `Une nouvelle tentative de ${fr} est programmée le ${dayFr}. Vous pouvez la suivre ici :`,
        linkLabel: 'Voir le suivi',
        english: back ? `In English: after the failed ${en}, the parcel goes back to the sender on ${dayEn}. Tracking:` : `In English: a new ${en} attempt is booked for ${dayEn}. Track it here:`,
      };
    }
  }
}

/**
 * The e-mail a recipient gets for an event: French, with an English line; plain text and a
 * minimal HTML part; the tracking link and the cooperative's name. Built from the link, the
 * kind and the event's time only: no price, no address, no name, nothing the sender typed.
 */
export function composeRecipientEmail(type: NotifiedEventType, delivery: Delivery, options: { hubName: string; retentionDays: number }): EmailContent {
  const url = delivery.tracking.url;
  const at = type === 'delivery.booked' ? delivery.createdAt : (delivery.timeline.at(-1)?.at ?? delivery.updatedAt);
  const words = wording(type, delivery, { ...options, at });
  const text = [words.greeting, '', words.french, url, '', ...(words.note ? [words.note, ''] : []), `${words.english} ${url}`, '', `— ${options.hubName}`, ''].join('\n');
  const body = html`<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>${words.subject}</title></head>
<body>
<p>${words.greeting}</p>
<p>${words.french}<br><a href="${url}">${words.linkLabel}</a></p>
${words.note ? html`<p>${words.note}</p>\n` : ''}<p lang="en">${words.english} <a href="${url}">${url}</a></p>
<p>— ${options.hubName}</p>
</body>
</html>
`;
  return { subject: words.subject, text, html: body.value };
}
