import { parcelCode } from '../hub/parcel-code.js';
import type { Delivery } from '../deliveries/schemas.js';

/**
 * What a parcel's label says, as plain data, and the lines of text it prints: a pure module, so
 * what goes on the outside of a parcel is tested without a PDF. On purpose, a label carries the
 * recipient's first name and district only: no phone, no street, no full name (anyone handling
 * the parcel sees it).
 */

/**
 * The fields of a delivery going through the hub (shared/hub/legs.ts), read defensively: absent on
 * deliveries stored before the hub existed. `hub.firstLeg`: `courier` (a first leg brings the
 * parcels to the hub) or `tenant` (the tenant brings them).
 */
interface HubFields {
  hub?: { firstLeg?: string | null; firstLegId?: string | null; stage?: string | null } | null;
  leg?: { of?: string | null } | null;
  collectionPoint?: { id?: string; name?: string | null } | null;
}

export type LabelDelivery = Pick<Delivery, 'id' | 'reference' | 'parcels' | 'dropoff' | 'pickup' | 'slot' | 'serviceDate'> & HubFields;

export interface Label {
  /** The parcel's code, in the QR code and printed under it (`STE:dlv_…:2`). */
  code: string;
  parcel: number;
  parcels: number;
  reference: string;
  /** The recipient's first name (the first word of the drop-off contact's name), or null. */
  firstName: string | null;
  /** Postcode and city of the drop-off. */
  district: string;
  /** The service day, in French (`mardi 8 décembre 2026`). */
  day: string;
  /** The window or slot, Paris time (`09:00–11:00`), or null. */
  window: string | null;
  leg: { fr: string; en: string };
  hubName: string;
}

export interface LabelLine {
  text: string;
  size: number;
  bold?: boolean;
  /** A smaller English line under a French one. */
  english?: boolean;
}

const parisTime = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const frenchDay = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

function windowOf(delivery: LabelDelivery): string | null {
  const instants = delivery.dropoff.window ?? (delivery.slot ? null : delivery.pickup.window);
  if (instants) return `${parisTime.format(new Date(instants.start))}–${parisTime.format(new Date(instants.end))}`;
  if (delivery.slot) return `${delivery.slot.start}–${delivery.slot.end}`;
  return null;
}

/** Which leg the parcel is on: straight, to the hub, from the hub, or to a collection point. */
export function legOf(delivery: LabelDelivery): { fr: string; en: string } {
  const point = delivery.collectionPoint?.name ?? null;
  const destination = point ? { fr: point, en: point } : { fr: 'destinataire', en: 'recipient' };
  if (delivery.leg?.of) return { fr: '1/2 → hub', en: 'leg 1 of 2, to the hub' };
  const hub = delivery.hub;
  if (hub) {
    // The tenant brings the parcels to the hub itself: the only ride is from the hub.
    if (hub.firstLeg === 'tenant') return { fr: `hub → ${destination.fr}`, en: `from the hub to the ${point ? 'collection point' : 'recipient'}` };
    const beforeHub = hub.stage === 'expected' || hub.stage === 'to_hub' || !hub.stage;
    if (beforeHub) return { fr: `1/2 → hub, puis hub → ${destination.fr}`, en: `leg 1 of 2, to the hub, then to the ${point ? 'collection point' : 'recipient'}` };
    return { fr: `2/2 hub → ${destination.fr}`, en: `leg 2 of 2, from the hub to the ${point ? 'collection point' : 'recipient'}` };
  }
  if (point) return { fr: `Direct → point relais ${point}`, en: 'direct, to the collection point' };
  return { fr: 'Direct', en: 'direct' };
}

/** The recipient's first name only: the first word of the drop-off contact's name. */
export function firstNameOf(name: string | undefined | null): string | null {
  const first = (name ?? '').trim().split(/\s+/)[0];
  return first ? first : null;
}

/**
 * The labels of a delivery, one per parcel. The parcels of a first leg (pickup → hub) are those of
 * the delivery it serves: the service prints that delivery's labels (its recipient, its day);
 * given the first leg alone, its labels still carry the served delivery's codes (`leg.of`), so a
 * parcel keeps one label from its pickup to its recipient and the hub checks in the right delivery.
 */
export function labelsOf(delivery: LabelDelivery, hubName: string, hubCode?: string): Label[] {
  const codeOwner = delivery.leg?.of ?? delivery.id;
  const parcels = Math.max(1, delivery.parcels.length);
  const day = frenchDay.format(new Date(`${delivery.serviceDate}T12:00:00Z`));
  const base = {
    parcels,
    reference: delivery.reference ?? delivery.id,
    firstName: firstNameOf(delivery.dropoff.contact?.name),
    district: `${delivery.dropoff.address.postcode} ${delivery.dropoff.address.city}`,
    day,
    window: windowOf(delivery),
    leg: legOf(delivery),
    hubName,
  };
  return Array.from({ length: parcels }, (_, index) => ({ ...base, parcel: index + 1, code: hubCode === undefined ? parcelCode(codeOwner, index + 1) : parcelCode(codeOwner, index + 1, hubCode) }));
}

/** The lines a label prints under its QR code, top to bottom: French first, short English under where it helps. */
export function labelLines(label: Label): LabelLine[] {
  return [
    { text: label.code, size: 8 },
    { text: `Colis ${label.parcel}/${label.parcels}`, size: 16, bold: true },
    { text: `Parcel ${label.parcel} of ${label.parcels}`, size: 7, english: true },
    { text: `Réf. ${label.reference}`, size: 11 },
    { text: `Pour : ${label.firstName ?? '—'}`, size: 15, bold: true },
    { text: label.district, size: 12 },
    { text: `Recipient, district`, size: 7, english: true },
    { text: `${label.day}${label.window ? ` · ${label.window}` : ''}`, size: 10 },
    { text: 'Service day and window (Paris time)', size: 7, english: true },
    { text: `Trajet : ${label.leg.fr}`, size: 11, bold: true },
    { text: `Leg: ${label.leg.en}`, size: 7, english: true },
  ];
}
