import type { Lang } from './format.js';

/** The API's error, as `{ error: { type, code, message, param?, requestId? } }` carries it. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | undefined;
  readonly requestId: string | undefined;

  constructor(status: number, body: { type?: string; code?: string; message?: string; param?: string; requestId?: string }) {
    super(body.message ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.type = body.type ?? 'api_error';
    this.code = body.code ?? (status >= 500 ? 'internal' : 'unknown');
    this.param = body.param;
    this.requestId = body.requestId;
  }
}

/** No answer at all: the network, not the API. */
export const NETWORK_ERROR = 'network_error';

type Sentences = { fr: string; en: string };

/**
 * What each code means for a person who is not a developer. A code missing here shows the API's
 * own message (in English, precise), which is better than a vague sentence.
 */
const sentences: Record<string, Sentences> = {
  [NETWORK_ERROR]: {
    fr: 'Pas de réponse du serveur : vérifiez votre connexion puis réessayez. Rien n’a été enregistré deux fois.',
    en: 'No answer from the server: check your connection and try again. Nothing was recorded twice.',
  },
  not_on_round: {
    fr: 'Cette course n’est plus dans votre tournée : la coopérative l’a confiée à quelqu’un d’autre ou l’a reprise.',
    en: 'This delivery is no longer on your round: the cooperative gave it to someone else or took it back.',
  },
  off_shift: {
    fr: 'Vous n’êtes pas en service : la position n’est transmise que pendant un créneau de travail.',
    en: 'You are not on shift: positions are only sent during a shift.',
  },
  over_capacity: {
    fr: 'La tournée dépasserait ce que le vélo peut porter (poids ou volume) : confiez cette course à un autre vélo ou changez l’ordre.',
    en: 'The round would carry more than the bike can (weight or volume): give this delivery to another bike or change the order.',
  },
  shift_overlap: {
    fr: 'Ce créneau de travail chevauche celui de la veille ou du lendemain.',
    en: 'This shift overlaps the one of the day before or after.',
  },
  version_conflict: {
    fr: 'Quelqu’un a modifié la tournée entre-temps : la page a été rechargée, refaites la modification.',
    en: 'Someone changed this meanwhile: the page was reloaded, make the change again.',
  },
  photo_too_large: {
    fr: 'La photo est trop lourde (10 Mo au plus) : reprenez-la en plus petite taille.',
    en: 'The photo is too large (10 MB at most): take it again at a smaller size.',
  },
  photo_type_invalid: {
    fr: 'Ce fichier n’est pas une photo (JPEG, PNG ou WebP).',
    en: 'This file is not a photo (JPEG, PNG or WebP).',
  },
  photo_missing: {
    fr: 'La photo n’a pas été envoyée : réessayez, ou validez sans photo.',
    en: 'The photo was not uploaded: try again, or confirm without a photo.',
  },
  slot_full: {
    fr: 'Ce créneau vient d’être complété : choisissez-en un autre.',
    en: 'This slot has just filled up: please choose another one.',
  },
  exceeds_capacity: {
    fr: 'C’est trop lourd ou trop volumineux pour un vélo cargo : retirez des objets ou répartissez-les sur plusieurs enlèvements.',
    en: 'This is too heavy or too bulky for one cargo bike: remove some items or split them over several pickups.',
  },
  outside_service_area: {
    fr: 'Cette adresse est en dehors de la zone desservie par la coopérative (Saint-Étienne Métropole).',
    en: 'This address is outside the area the cooperative serves (Saint-Étienne Métropole).',
  },
  address_not_geocoded: {
    fr: 'Nous n’avons pas trouvé cette adresse sur la carte : vérifiez-la, ou indiquez sa latitude et sa longitude.',
    en: 'We could not find this address on the map: check it, or give its latitude and longitude.',
  },
  quote_expired: {
    fr: 'Le prix proposé a expiré (il est valable 15 minutes) : recalculez le prix puis réservez.',
    en: 'The price shown has expired (it is valid for 15 minutes): get a new price, then book.',
  },
  quote_already_used: {
    fr: 'Ce devis a déjà été réservé : la course existe déjà dans votre liste.',
    en: 'This quote was booked already: the delivery is already in your list.',
  },
  invalid_transition: {
    fr: 'Ce n’est plus possible : la course a changé d’état entre-temps. Rechargez la page.',
    en: 'This is no longer possible: the delivery changed in the meantime. Reload the page.',
  },
  slot_has_bookings: {
    fr: 'Ce créneau a déjà des réservations : il ne peut pas être supprimé ni réduit en dessous de celles-ci.',
    en: 'This slot already has bookings: it cannot be removed or reduced below them.',
  },
  idempotency_key_reused: {
    fr: 'Ce formulaire a déjà été envoyé avec d’autres informations : rechargez la page puis recommencez.',
    en: 'This form was already sent with other details: reload the page and start again.',
  },
  idempotency_request_in_progress: {
    fr: 'Votre demande précédente est encore en cours : patientez quelques secondes puis réessayez.',
    en: 'Your previous request is still being processed: wait a few seconds and try again.',
  },
  missing_api_key: {
    fr: 'Votre session a expiré : reconnectez-vous.',
    en: 'Your session has expired: please sign in again.',
  },
  invalid_api_key: {
    fr: 'Votre session a expiré : reconnectez-vous.',
    en: 'Your session has expired: please sign in again.',
  },
  invalid_sign_in_link: {
    fr: 'Ce lien de connexion n’est plus valable (il a déjà servi, ou il a plus de 15 minutes). Demandez-en un nouveau.',
    en: 'This sign-in link is no longer valid (it was already used, or is more than 15 minutes old). Ask for a new one.',
  },
  csrf_token_invalid: {
    fr: 'Par sécurité, la page doit être rechargée avant d’envoyer ce formulaire.',
    en: 'For your security, the page must be reloaded before sending this form.',
  },
  forbidden: {
    fr: 'Votre compte n’a pas le droit de faire cela. Demandez à un administrateur.',
    en: 'Your account is not allowed to do this. Ask an administrator.',
  },
  resource_missing: {
    fr: 'Introuvable : cet élément n’existe pas, ou plus.',
    en: 'Not found: this item does not exist, or no longer does.',
  },
  too_many_requests: {
    fr: 'Trop de demandes en peu de temps : patientez une minute puis réessayez.',
    en: 'Too many requests in a short time: wait a minute and try again.',
  },
  amount_too_large: {
    fr: 'Ce montant dépasse ce qui reste dû sur la facture.',
    en: 'This amount is more than what is still owed on the invoice.',
  },
  statement_malformed: {
    fr: 'Ce fichier n’est pas un relevé bancaire lisible (camt.053 ou CSV avec date, montant, libellé).',
    en: 'This file is not a readable bank statement (camt.053, or CSV with date, amount, label).',
  },
  statement_unsupported: {
    fr: 'Ce type de fichier bancaire n’est pas accepté : exportez un relevé camt.053 ou un CSV.',
    en: 'This kind of bank file is not accepted: export a camt.053 statement or a CSV.',
  },
  currency_not_supported: {
    fr: 'Le relevé contient une autre devise que l’euro.',
    en: 'The statement contains a currency other than the euro.',
  },
  payload_too_large: {
    fr: 'Le fichier est trop gros.',
    en: 'The file is too large.',
  },
  seller_identity_incomplete: {
    fr: 'La facturation est désactivée : l’identité de la coopérative (SIRET, TVA, IBAN…) n’est pas encore configurée.',
    en: 'Invoicing is switched off: the cooperative’s identity (SIRET, VAT number, IBAN…) is not configured yet.',
  },
  upstream_unavailable: {
    fr: 'Le service d’adresses ne répond pas : réessayez dans un instant.',
    en: 'The address service does not answer: try again in a moment.',
  },
  service_unavailable: {
    fr: 'Le service est momentanément indisponible. Rien n’est perdu : réessayez dans un instant.',
    en: 'The service is briefly unavailable. Nothing is lost: try again in a moment.',
  },
  internal: {
    fr: 'Une erreur est survenue de notre côté. Réessayez ; si elle persiste, contactez la coopérative.',
    en: 'Something went wrong on our side. Try again; if it persists, contact the cooperative.',
  },
};

/** Field paths the API names in `param`, in words. */
const fields: Record<string, Sentences> = {
  pickup: { fr: 'l’adresse d’enlèvement', en: 'the pickup address' },
  dropoff: { fr: 'l’adresse de livraison', en: 'the delivery address' },
  parcels: { fr: 'les objets', en: 'the items' },
  email: { fr: 'l’adresse e-mail', en: 'the e-mail address' },
  slotId: { fr: 'le créneau', en: 'the slot' },
  date: { fr: 'la date', en: 'the date' },
  dropoffWindow: { fr: 'la fenêtre de livraison', en: 'the drop-off window' },
  amount: { fr: 'le montant', en: 'the amount' },
  name: { fr: 'le nom', en: 'the name' },
  phone: { fr: 'le téléphone', en: 'the phone' },
  postcode: { fr: 'le code postal', en: 'the postcode' },
  line1: { fr: 'l’adresse', en: 'the address' },
  city: { fr: 'la ville', en: 'the city' },
  lat: { fr: 'la latitude', en: 'the latitude' },
  lng: { fr: 'la longitude', en: 'the longitude' },
  reference: { fr: 'la référence', en: 'the reference' },
  reason: { fr: 'le motif', en: 'the reason' },
  billingEmail: { fr: 'l’e-mail de facturation', en: 'the billing e-mail' },
  capacity: { fr: 'la capacité', en: 'the capacity' },
  period: { fr: 'la période', en: 'the period' },
};

/** The field a `param` path is about, in words: the most specific part that we know. */
export function fieldName(param: string | undefined, lang: Lang): string | undefined {
  if (!param) return undefined;
  const parts = param.split(/[.[\]]+/).filter((part) => part !== '' && !/^\d+$/.test(part));
  for (const part of parts.reverse()) {
    const known = fields[part];
    if (known) return known[lang];
  }
  return undefined;
}

export interface ErrorLike {
  status?: number;
  code?: string;
  message?: string;
  param?: string;
}

/** A sentence for people, in their language, for an error of the API (or of the network). */
export function errorMessage(error: ErrorLike | unknown, lang: Lang): string {
  const e = (error ?? {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const param = typeof e.param === 'string' ? e.param : undefined;

  if (code === 'outside_service_area' || code === 'address_not_geocoded') {
    const base = sentences[code]![lang];
    const stop = param?.startsWith('pickup') ? fields.pickup![lang] : param?.startsWith('dropoff') ? fields.dropoff![lang] : undefined;
    return stop ? `${base} (${stop})` : base;
  }
  if (code === 'parameter_missing' || code === 'parameter_invalid') {
    const field = fieldName(param, lang);
    if (field) {
      const sentence = code === 'parameter_missing'
        ? (lang === 'fr' ? `Il manque ${field}.` : `${capitalise(field)} is missing.`)
        : (lang === 'fr' ? `Vérifiez ${field}.` : `Please check ${field}.`);
      return e.message ? `${sentence} (${e.message})` : sentence;
    }
  }
  if (code && sentences[code]) return sentences[code][lang];
  if (typeof e.message === 'string' && e.message !== '') return e.message;
  return sentences.internal![lang];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
