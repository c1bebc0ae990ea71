import { serviceDateOf } from './day.js';
import { randomBytes } from 'node:crypto';
import { config } from '../config.js';
import { transact, type TransactItem } from '../db/transact.js';
import { outboxEntry } from '../events/outbox.js';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/language.js';
import { newId } from '../ids.js';
import { recordMetric } from '../observability/metrics.js';
import { priceRequest, type PricedRequest } from '../quotes/pricing.js';
import { quoteRepository } from '../quotes/repository.js';
import { completeStops } from '../quotes/stops.js';
import { slotRepository, type StoredSlot } from '../slots/repository.js';
import { localizeDelivery } from './localize.js';
import { deliveryRepository } from './repository.js';
import type { CreateDeliveryBody, Delivery } from './schemas.js';
import { bookingErrors } from './errors.js';
import { activeRouter } from '../geo/adapters.js';
import { findCollectionPoint, type CollectionPoint } from '../hub/collection-points.js';
import { getDepot } from '../hub/depot.js';
import { splitThroughHub } from '../hub/legs.js';
import { pricingContext } from '../hub/settings.js';
import { withHubHandling } from '../pricing/price.js';
import { deliveryEvents } from './events.js';


/** 24 random bytes: 192 bits, well beyond the 128 the tracking link needs to be unguessable. */
export function newTrackingToken(): string {
  return randomBytes(24).toString('base64url');
}

export function trackingUrl(token: string): string {
  return `${config.publicBaseUrl}/track/${token}`;
}

async function loadCollectionPoint(id: string): Promise<CollectionPoint> {
  const point = await findCollectionPoint(id);
  if (!point) throw bookingErrors.error('resource_missing', `No such collection point: '${id.slice(0, 64)}' (GET /v1/collection-points lists them).`, { param: 'collectionPointId' });
  return point;
}

export async function loadSlot(slotId: string, now: Date): Promise<StoredSlot> {
  const slot = await slotRepository.get(slotId);
  if (!slot) throw bookingErrors.error('resource_missing', `No such slot: '${slotId.slice(0, 64)}'.`, { param: 'slotId' });
  if (Date.parse(slot.endsAt) <= now.getTime()) throw bookingErrors.error('parameter_invalid', 'This slot is already over.', { param: 'slotId' });
  if (slot.taken >= slot.capacity) throw bookingErrors.error('slot_full', 'This slot has no capacity left: choose another one.', { param: 'slotId' });
  return slot;
}

/**
 * Books a delivery, from a quote (at its price) or priced now. Everything is written in one
 * transaction: the delivery, its tracking link, the quote marked used, a unit of the slot, and
 * the `delivery.booked` event. So a quote books once, a slot never goes beyond its capacity,
 * and nothing is half-written, whatever runs at the same time.
 */
export interface BookingOptions {
  /** More writes of the same transaction (an inbound order's record), each with its refusal. */
  extra?: (delivery: Delivery) => Array<{ item: TransactItem; onFailure: (old: Record<string, unknown> | undefined) => Error }>;
  /** The language of the answer's price labels (the stored delivery keeps the default's). */
  language?: Language;
  /** The standing order and the occurrence's day this booking is for (its delivery carries them). */
  standingOrder?: { id: string; date: string };
}

export async function bookDelivery(tenantId: string, body: CreateDeliveryBody, now = new Date(), options: BookingOptions = {}): Promise<Delivery> {
  let priced: PricedRequest;
  let quoteId: string | null = null;
  const through: { viaHub?: { firstLeg: 'courier' | 'tenant' }; collectionPoint?: { id: string; name: string } } = {};
  if ('quoteId' in body) {
    const quote = await quoteRepository.get(tenantId, body.quoteId, true);
    if (!quote) throw bookingErrors.error('resource_missing', `No such quote: '${body.quoteId.slice(0, 64)}'.`, { param: 'quoteId' });
    if (quote.deliveryId) throw bookingErrors.error('quote_already_used', `This quote was booked already (${quote.deliveryId}).`, { param: 'quoteId' });
    if (quote.expiresAtMs <= now.getTime()) throw bookingErrors.error('quote_expired', `This quote expired at ${quote.expiresAt}: ask for a new one.`, { param: 'quoteId' });
    const { pickup, dropoff, parcels, service, price, lines, distanceMeters } = quote;
    priced = { pickup, dropoff, parcels, service, price, lines, distanceMeters };
    quoteId = quote.id;
  } else {
    if (body.slotId !== undefined && body.pickup?.window !== undefined) {
      throw bookingErrors.error('parameter_invalid', 'pickup.window comes from the slot: leave it out when you give slotId.', { param: 'pickup.window' });
    }
    // A collection point is the drop-off: its address, the recipient given in `dropoff` as the contact.
    const point = body.collectionPointId === undefined ? undefined : await loadCollectionPoint(body.collectionPointId);
    const request = point && body.dropoff ? { ...body, dropoff: { ...body.dropoff, address: point.address } } : body;
    priced = await priceRequest(tenantId, await completeStops(tenantId, request), now);
    if (point) through.collectionPoint = { id: point.id, name: point.name };
    if (body.viaHub) {
      through.viaHub = body.viaHub;
      // The rate card prices the whole trip as one delivery, plus its hub line if it has one.
      priced = { ...priced, ...withHubHandling((await pricingContext(tenantId)).rateCard, priced) };
    }
  }

  const slot = body.slotId === undefined ? undefined : await loadSlot(body.slotId, now);
  const token = newTrackingToken();
  const at = now.toISOString();
  let delivery: Delivery = {
    id: newId('delivery', now.getTime()),
    object: 'delivery',
    tenantId,
    kind: body.kind,
    status: 'booked',
    reference: body.reference ?? null,
    quoteId,
    slot: slot ? { id: slot.id, date: slot.date, start: slot.start, end: slot.end } : null,
    ...priced,
    pickup: slot ? { ...priced.pickup, window: { start: slot.startsAt, end: slot.endsAt } } : priced.pickup,
    tracking: { token, url: trackingUrl(token) },
    courierId: null,
    timeline: [{ status: 'booked', at }],
    lastPosition: null,
    proof: null,
    failureReason: null,
    failure: null,
    attempt: 1,
    returnToSender: false,
    serviceDate: '',
    standingOrderId: options.standingOrder?.id ?? null,
    standingOrder: options.standingOrder ?? null,
    cancellation: null,
    hub: null,
    leg: null,
    collectionPoint: through.collectionPoint ?? null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };

  delivery.serviceDate = serviceDateOf(delivery);
  // Through the hub: this delivery becomes the last leg (from the hub), with a first leg to it when a courier collects.
  let firstLeg: Delivery | null = null;
  if (through.viaHub) {
    const depot = await getDepot();
    const firstLegDistanceMeters = through.viaHub.firstLeg === 'courier' ? await activeRouter().distanceMeters(delivery.pickup.address, depot.address) : 0;
    const legs = splitThroughHub(delivery, { depot, firstLeg: through.viaHub.firstLeg, now, firstLegDistanceMeters });
    delivery = legs.last;
    firstLeg = legs.first;
  }
  const items: TransactItem[] = [
    deliveryRepository.create(delivery),
    deliveryRepository.createTrackingLink(delivery),
    outboxEntry(deliveryEvents.booked, tenantId, delivery, now).create,
    ...(firstLeg ? [deliveryRepository.create(firstLeg), outboxEntry(deliveryEvents.booked, tenantId, firstLeg, now).create] : []),
  ];
  const quoteIndex = quoteId === null ? -1 : items.length;
  if (quoteId !== null) items.push(quoteRepository.markBooked({ tenantId, id: quoteId }, delivery.id, now));
  const slotIndex = slot === undefined ? -1 : items.length;
  if (slot) items.push(slotRepository.takeUnit(slot));
  const extras = options.extra?.(delivery) ?? [];
  const extraStart = items.length;
  for (const extra of extras) items.push(extra.item);

  const answer = localizeDelivery(delivery, options.language ?? DEFAULT_LANGUAGE);
  await transact(items, ({ index, item }) => {
    if (index === quoteIndex) {
      if (!item) return bookingErrors.notFound('quote', quoteId ?? undefined);
      if (item.deliveryId) return bookingErrors.error('quote_already_used', `This quote was booked already (${String(item.deliveryId)}).`, { param: 'quoteId' });
      return bookingErrors.error('quote_expired', `This quote expired at ${String(item.expiresAt)}: ask for a new one.`, { param: 'quoteId' });
    }
    if (index === slotIndex) {
      if (!item) return bookingErrors.error('resource_missing', 'This slot no longer exists.', { param: 'slotId' });
      return bookingErrors.error('slot_full', 'This slot has no capacity left: choose another one.', { param: 'slotId' });
    }
    const extra = extras[index - extraStart];
    if (index >= extraStart && extra) return extra.onFailure(item);
    return new Error(`Unexpected condition failure on item ${index} of a booking`);
  }, { result: answer });
  recordMetric('DeliveriesBooked');
  return answer;
}
