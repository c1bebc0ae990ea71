import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { enGB, fr } from 'date-fns/locale';
import type { DeliveryStatus } from '../deliveries/schemas.js';
import { HUB_TIME_ZONE } from '../slots/repository.js';
import type { Language } from '../i18n/language.js';

// The page negotiates its language as every other response meant for people does.
export { DEFAULT_LANGUAGE, languages, negotiateLanguage, parseAcceptLanguage, type Language } from '../i18n/language.js';

type Kind = 'delivery' | 'pickup';

const dateLocales = { fr, en: enGB } as const;
const dayAndTime = { fr: "EEEE d MMMM 'à' HH:mm", en: "EEEE d MMMM 'at' HH:mm" } as const;

/** `mardi 26 novembre à 09:30`, in the hub's time zone (times are stored in UTC). */
export function formatDayAndTime(instant: string | number, language: Language): string {
  return format(new TZDate(new Date(instant).getTime(), HUB_TIME_ZONE), dayAndTime[language], { locale: dateLocales[language] });
}

/** `09:30`, in the hub's time zone. */
export function formatTime(instant: string | number): string {
  return format(new TZDate(new Date(instant).getTime(), HUB_TIME_ZONE), 'HH:mm');
}

/** The local calendar day of an instant, to say "today" without a date. */
export function localDay(instant: string | number): string {
  return format(new TZDate(new Date(instant).getTime(), HUB_TIME_ZONE), 'yyyy-MM-dd');
}

interface StatusTexts {
  label: string;
  explanation: string;
}

export interface Texts {
  title: Record<Kind, string>;
  status: Record<Kind, Record<DeliveryStatus, StatusTexts>>;
  /** Before the status, for screen readers: `Statut :`. */
  statusHeading: string;
  etaHeading: string;
  /** `entre <from> et <to>`: the words around the two times. */
  etaBetween: { before: string; middle: string };
  etaNote: (basis: 'courier_position' | 'pickup' | 'slot' | 'round', speedKmh: number) => string;
  destinationHeading: string;
  stepsHeading: string;
  upcoming: string;
  refresh: string;
  otherLanguage: { language: Language; label: string };
  /** A new attempt after a failure, and the courier reaching a stop. */
  rescheduled: { label: string; explanation: (attempt: number) => string };
  arrived: { pickup: string; dropoff: string };
  /** Through the hub: where the parcels are, in place of the status while it says more. */
  hubStage: Record<'to_hub' | 'at_hub' | 'left_hub', StatusTexts>;
  /** Delivered to a collection point: the recipient collects it there. */
  collectionPoint: (name: string) => StatusTexts;
  privacy: string;
  notFoundTitle: string;
  notFoundBody: (retentionDays: number) => string;
}

/** Everything the recipient reads, in both languages. */
export const texts: Record<Language, Texts> = {
  fr: {
    title: { delivery: 'Suivi de votre livraison', pickup: 'Suivi de votre collecte' },
    status: {
      delivery: {
        booked: { label: 'Livraison réservée', explanation: 'Votre livraison est enregistrée. Un coursier à vélo va en être chargé.' },
        assigned: { label: 'Coursier attribué', explanation: 'Un coursier à vélo va récupérer votre colis.' },
        picked_up: { label: 'En route vers vous', explanation: 'Votre colis est à bord d’un vélo-cargo, en route vers vous.' },
        delivered: { label: 'Livrée', explanation: 'Votre colis a été livré. Merci !' },
        failed: { label: 'Livraison impossible', explanation: 'La livraison n’a pas pu être faite. Contactez l’expéditeur pour convenir d’une nouvelle livraison.' },
        cancelled: { label: 'Annulée', explanation: 'Cette livraison a été annulée.' },
        returned: { label: 'Colis revenu au hub', explanation: 'Après l’échec de la livraison, votre colis est revenu au hub des coursiers. Une nouvelle livraison va être programmée avec l’expéditeur.' },
        returned_to_sender: { label: 'Retourné à l’expéditeur', explanation: 'Le colis a été rapporté à son expéditeur.' },
      },
      pickup: {
        booked: { label: 'Collecte programmée', explanation: 'Votre collecte est enregistrée. Un coursier à vélo va en être chargé.' },
        assigned: { label: 'Coursier attribué', explanation: 'Un coursier à vélo va venir chercher les objets.' },
        picked_up: { label: 'Objets collectés', explanation: 'Les objets ont été collectés et sont en route vers leur destination.' },
        delivered: { label: 'Arrivés à destination', explanation: 'Les objets sont arrivés à destination. Merci !' },
        failed: { label: 'Collecte impossible', explanation: 'La collecte n’a pas pu être faite. Contactez l’organisme qui l’a programmée.' },
        cancelled: { label: 'Annulée', explanation: 'Cette collecte a été annulée.' },
        returned: { label: 'Objets revenus au hub', explanation: 'Les objets sont au hub des coursiers, en attente d’une nouvelle course.' },
        returned_to_sender: { label: 'Rendus au donateur', explanation: 'Les objets ont été rapportés à leur point de départ.' },
      },
    },
    statusHeading: 'Statut\u00a0:',
    etaHeading: 'Arrivée estimée',
    etaBetween: { before: 'entre', middle: 'et' },
    etaNote: (basis, kmh) => (basis === 'round' ? `D’après la tournée du coursier et les arrêts avant le vôtre, à ${kmh} km/h de moyenne.` : basis === 'slot' ? 'D’après le créneau réservé.' : `Estimation d’après ${basis === 'courier_position' ? 'la position récente du coursier' : 'le point de départ'}, à ${kmh} km/h de moyenne.`),
    destinationHeading: 'Destination',
    stepsHeading: 'Étapes',
    upcoming: 'à venir',
    refresh: 'Actualiser',
    otherLanguage: { language: 'en', label: 'English' },
    rescheduled: { label: 'Nouvelle tentative programmée', explanation: (attempt) => `Après un échec, une nouvelle tentative (la ${attempt}e) est programmée avec l’expéditeur.` },
    arrived: { pickup: 'Coursier au point de départ', dropoff: 'Coursier arrivé à destination' },
    hubStage: {
      to_hub: { label: 'En route vers le hub', explanation: 'Un coursier à vélo a récupéré votre colis et l’apporte au hub des coursiers, d’où partira votre livraison.' },
      at_hub: { label: 'Au hub', explanation: 'Votre colis est arrivé au hub des coursiers. Il en repartira à vélo-cargo vers sa destination.' },
      left_hub: { label: 'En route vers vous', explanation: 'Votre colis a quitté le hub des coursiers, à bord d’un vélo-cargo, en route vers sa destination.' },
    },
    collectionPoint: (name) => ({ label: `À retirer chez ${name}`, explanation: `Votre colis vous attend chez ${name}, point de retrait partenaire.` }),
    privacy: 'Cette page n’affiche ni nom, ni adresse, ni numéro de téléphone. Heures de Paris.',
    notFoundTitle: 'Lien de suivi introuvable',
    notFoundBody: (days) =>
      `Ce lien de suivi n’existe pas ou n’est plus valable : un lien cesse de fonctionner ${days} jour${days > 1 ? 's' : ''} après la fin de la livraison. Vérifiez l’adresse du lien, ou contactez l’expéditeur.`,
  },
  en: {
    title: { delivery: 'Tracking your delivery', pickup: 'Tracking your pickup' },
    status: {
      delivery: {
        booked: { label: 'Delivery booked', explanation: 'Your delivery is booked. A bike courier will be put in charge of it.' },
        assigned: { label: 'Courier assigned', explanation: 'A bike courier is on the way to collect your parcel.' },
        picked_up: { label: 'On its way to you', explanation: 'Your parcel is on a cargo bike, on its way to you.' },
        delivered: { label: 'Delivered', explanation: 'Your parcel has been delivered. Thank you!' },
        failed: { label: 'Delivery failed', explanation: 'The delivery could not be made. Please contact the sender to arrange a new one.' },
        cancelled: { label: 'Cancelled', explanation: 'This delivery was cancelled.' },
        returned: { label: 'Parcel back at the hub', explanation: 'The delivery failed, and your parcel is back at the couriers’ hub. A new delivery will be arranged with the sender.' },
        returned_to_sender: { label: 'Returned to the sender', explanation: 'The parcel was taken back to its sender.' },
      },
      pickup: {
        booked: { label: 'Pickup scheduled', explanation: 'Your pickup is booked. A bike courier will be put in charge of it.' },
        assigned: { label: 'Courier assigned', explanation: 'A bike courier will come to collect the items.' },
        picked_up: { label: 'Items collected', explanation: 'The items have been collected and are on their way.' },
        delivered: { label: 'Arrived', explanation: 'The items have arrived at their destination. Thank you!' },
        failed: { label: 'Pickup failed', explanation: 'The pickup could not be made. Please contact the organisation that booked it.' },
        cancelled: { label: 'Cancelled', explanation: 'This pickup was cancelled.' },
        returned: { label: 'Items back at the hub', explanation: 'The items are at the couriers’ hub, waiting for a new run.' },
        returned_to_sender: { label: 'Given back', explanation: 'The items were taken back to where they came from.' },
      },
    },
    statusHeading: 'Status:',
    etaHeading: 'Estimated arrival',
    etaBetween: { before: 'between', middle: 'and' },
    etaNote: (basis, kmh) => (basis === 'round' ? `From the courier’s round and the stops before yours, at an average ${kmh} km/h.` : basis === 'slot' ? 'From the booked time slot.' : `Estimated from ${basis === 'courier_position' ? 'the courier’s recent position' : 'the starting point'}, at an average ${kmh} km/h.`),
    destinationHeading: 'Destination',
    stepsHeading: 'Progress',
    upcoming: 'upcoming',
    refresh: 'Refresh',
    otherLanguage: { language: 'fr', label: 'Français' },
    rescheduled: { label: 'New attempt booked', explanation: (attempt) => `After a failed attempt, a new one (attempt ${attempt}) is booked with the sender.` },
    arrived: { pickup: 'Courier at the starting point', dropoff: 'Courier arrived at the destination' },
    hubStage: {
      to_hub: { label: 'On its way to the hub', explanation: 'A bike courier has collected your parcel and is taking it to the couriers’ hub, where your delivery will leave from.' },
      at_hub: { label: 'At the hub', explanation: 'Your parcel has reached the couriers’ hub. It will leave from there on a cargo bike.' },
      left_hub: { label: 'Out for delivery', explanation: 'Your parcel has left the couriers’ hub on a cargo bike, on its way to its destination.' },
    },
    collectionPoint: (name) => ({ label: `Ready to collect at ${name}`, explanation: `Your parcel is waiting for you at ${name}, a partner collection point.` }),
    privacy: 'This page shows no name, address or phone number. Paris time.',
    notFoundTitle: 'Tracking link not found',
    notFoundBody: (days) =>
      `This tracking link does not exist or is no longer valid: a link stops working ${days} day${days === 1 ? '' : 's'} after the delivery ends. Check the link, or contact the sender.`,
  },
};
