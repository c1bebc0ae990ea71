import type { TransactItem } from '../db/items.js';
import { outboxEntry } from '../events/outbox.js';
import { newId } from '../ids.js';
import { parisDateOf, serviceDateOf } from '../deliveries/day.js';
import { deliveryEvents } from '../deliveries/events.js';
import { deliveryRepository } from '../deliveries/repository.js';
import type { Delivery, DeliveryHub, HubStage } from '../deliveries/schemas.js';
import { applyTransition, canApply } from '../deliveries/state-machine.js';
import { slotRepository } from '../slots/repository.js';

/**
 * Deliveries through the hub (docs/hub.md). The tenant's delivery D becomes the LAST leg: from
 * the hub's depot to the recipient, `origin` being the original pickup, `hub` saying where the
 * parcels are. When a courier collects the goods, a FIRST leg L brings them to the hub: an
 * ordinary delivery of the same tenant (pickup = the original pickup with its window, drop-off =
 * the depot, same parcels, price zero, `leg: { of: D.id }`). Both being ordinary deliveries,
 * rounds, assignment, the courier app and the planner handle each leg on its own.
 *
 * Everything here is pure except the few helpers at the end that read or write a leg.
 */

export type FirstLeg = DeliveryHub['firstLeg'];

export interface DepotPlace {
  name: string;
  address: Delivery['pickup']['address'];
}

/** A price of nothing: a first leg is never billed (the delivery is, once). */
const FREE: Delivery['price'] = { currency: 'EUR', net: 0, vat: 0, gross: 0 };

/** The hub record of a delivery about to go through the hub: every parcel still expected. */
export function newHubRecord(firstLeg: FirstLeg, firstLegId: string | null, parcelCount: number): DeliveryHub {
  return {
    firstLeg,
    firstLegId,
    stage: 'expected',
    parcels: Array.from({ length: parcelCount }, (_, index) => ({ number: index + 1, checkedInAt: null, checkedOutAt: null })),
    checkedInAt: null,
    checkedOutAt: null,
  };
}

/**
 * The Paris day of the last leg: the day of its drop-off window (an evening pickup for a
 * next-morning delivery is planned on the morning), else the day of the original pickup window
 * or slot, else the day it was booked.
 */
export function lastLegServiceDate(delivery: Pick<Delivery, 'slot' | 'pickup' | 'dropoff' | 'createdAt'>): string {
  if (delivery.dropoff.window) return parisDateOf(delivery.dropoff.window.start);
  return serviceDateOf(delivery);
}

/**
 * A booked direct delivery split into its two legs: `last` (the same delivery, same id, price,
 * tracking link) from the depot, and `first` (a new delivery) to the depot, or null when the
 * tenant brings the parcels itself. A pickup slot goes with the leg that uses it: the first leg's
 * pickup when a courier collects, else the last leg (leaving the hub in that slot).
 */
export function splitThroughHub(
  delivery: Delivery,
  input: { depot: DepotPlace; firstLeg: FirstLeg; now: Date; firstLegDistanceMeters: number },
): { last: Delivery; first: Delivery | null } {
  const { depot, firstLeg, now } = input;
  const at = now.toISOString();
  const depotStop = { address: depot.address, contact: { name: depot.name } };
  const origin = { address: delivery.pickup.address, ...(delivery.pickup.contact ? { contact: delivery.pickup.contact } : {}) };
  const serviceDate = lastLegServiceDate(delivery);
  if (firstLeg === 'tenant') {
    const last: Delivery = {
      ...delivery,
      pickup: { ...depotStop, ...(delivery.pickup.window ? { window: delivery.pickup.window } : {}) },
      origin,
      hub: newHubRecord('tenant', null, delivery.parcels.length),
      serviceDate,
    };
    return { last, first: null };
  }
  const firstId = newId('delivery', now.getTime());
  const first: Delivery = {
    id: firstId,
    object: 'delivery',
    tenantId: delivery.tenantId,
    kind: 'delivery',
    status: 'booked',
    reference: delivery.reference,
    quoteId: null,
    slot: delivery.slot,
    pickup: delivery.pickup,
    dropoff: depotStop,
    parcels: delivery.parcels,
    service: delivery.service,
    price: FREE,
    lines: [],
    distanceMeters: input.firstLegDistanceMeters,
    // No tracking link: a first leg is the hub's business, never shown to a recipient.
    tracking: { token: '', url: '' },
    courierId: null,
    timeline: [{ status: 'booked', at }],
    lastPosition: null,
    proof: null,
    failureReason: null,
    failure: null,
    attempt: 1,
    returnToSender: false,
    origin: null,
    hub: null,
    leg: { of: delivery.id },
    collectionPoint: null,
    serviceDate: '',
    cancellation: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  first.serviceDate = serviceDateOf(first);
  const last: Delivery = {
    ...delivery,
    slot: null,
    pickup: depotStop,
    origin,
    hub: newHubRecord('courier', firstId, delivery.parcels.length),
    serviceDate,
  };
  return { last, first };
}

export interface ParcelCounts {
  total: number;
  checkedIn: number;
  checkedOut: number;
}

export function countParcels(hub: DeliveryHub): ParcelCounts {
  return {
    total: hub.parcels.length,
    checkedIn: hub.parcels.filter((parcel) => parcel.checkedInAt !== null).length,
    checkedOut: hub.parcels.filter((parcel) => parcel.checkedOutAt !== null).length,
  };
}

export interface ScanOutcome {
  hub: DeliveryHub;
  /** The parcel was scanned this way already: nothing changes. */
  repeated: boolean;
  /** This scan completed the set (every parcel in, or every parcel out). */
  completed: boolean;
}

/**
 * One parcel checked in. When it is the last one, the stage becomes `at_hub` (from `expected` or
 * `to_hub`) and the time is kept. A parcel checked in again is a repeat, never an error.
 */
export function checkInParcel(hub: DeliveryHub, number: number, at: string): ScanOutcome {
  const parcel = hub.parcels.find((candidate) => candidate.number === number);
  if (!parcel) throw new RangeError(`parcel ${number} is not one of the delivery's ${hub.parcels.length}`);
  if (parcel.checkedInAt !== null) return { hub, repeated: true, completed: false };
  const parcels = hub.parcels.map((candidate) => (candidate.number === number ? { ...candidate, checkedInAt: at } : candidate));
  const completed = parcels.every((candidate) => candidate.checkedInAt !== null);
  const stage: HubStage = completed && (hub.stage === 'expected' || hub.stage === 'to_hub') ? 'at_hub' : hub.stage;
  return { hub: { ...hub, parcels, stage, checkedInAt: completed ? at : hub.checkedInAt }, repeated: false, completed };
}

/** Whether every parcel is at the hub (or left it): only then may they leave. */
export function allCheckedIn(hub: DeliveryHub): boolean {
  return hub.stage === 'at_hub' || hub.stage === 'left_hub';
}

/**
 * One parcel checked out (the caller checked that every parcel is in). When it is the last one,
 * the stage becomes `left_hub`. A parcel checked out again is a repeat.
 */
export function checkOutParcel(hub: DeliveryHub, number: number, at: string): ScanOutcome {
  const parcel = hub.parcels.find((candidate) => candidate.number === number);
  if (!parcel) throw new RangeError(`parcel ${number} is not one of the delivery's ${hub.parcels.length}`);
  if (parcel.checkedOutAt !== null) return { hub, repeated: true, completed: false };
  const parcels = hub.parcels.map((candidate) => (candidate.number === number ? { ...candidate, checkedOutAt: at } : candidate));
  const completed = parcels.every((candidate) => candidate.checkedOutAt !== null);
  return { hub: { ...hub, parcels, stage: completed ? 'left_hub' : hub.stage, checkedOutAt: completed ? at : hub.checkedOutAt }, repeated: false, completed };
}

/** Every parcel out at once (the courier reported the pickup after the hub checked them all in, without scanning them out). */
export function checkOutAll(hub: DeliveryHub, at: string): DeliveryHub {
  return { ...hub, parcels: hub.parcels.map((parcel) => ({ ...parcel, checkedOutAt: parcel.checkedOutAt ?? at })), stage: 'left_hub', checkedOutAt: hub.checkedOutAt ?? at };
}

/** The first leg picked the parcels up: they are on their way to the hub (only from `expected`). */
export function stageOnFirstLegPickedUp(hub: DeliveryHub): DeliveryHub | undefined {
  return hub.stage === 'expected' ? { ...hub, stage: 'to_hub' } : undefined;
}

/** A write of the same transaction, with its refusal. */
export interface LegWrite {
  item: TransactItem;
  onFailure: () => Error;
}

/**
 * The first leg, once every parcel is at the hub: delivered if its courier picked them up, or
 * cancelled free if it never left its pickup (the tenant brought them). Nothing to do otherwise
 * (already over). `conflict` is the error that makes the caller read again and decide again.
 */
export function settleFirstLeg(first: Delivery, now: Date, conflict: () => Error): LegWrite[] {
  if (first.status === 'picked_up') {
    const after = applyTransition(first, 'deliver', { now, proof: { note: 'Checked in at the hub' } });
    return [
      { item: deliveryRepository.replace(after, first.version), onFailure: conflict },
      { item: outboxEntry(deliveryEvents.delivered, after.tenantId, after, now).create, onFailure: conflict },
    ];
  }
  if (canApply(first.status, 'cancel')) return cancelFirstLeg(first, now, 'The parcels reached the hub without this leg (brought by the tenant).', conflict);
  return [];
}

/** Cancels a first leg free of charge (its delivery was cancelled, or the parcels came another way), its slot unit given back. */
export function cancelFirstLeg(first: Delivery, now: Date, reason: string, conflict: () => Error): LegWrite[] {
  if (!canApply(first.status, 'cancel')) return [];
  const after = applyTransition(first, 'cancel', { now, cancellation: { reason, at: now.toISOString(), fee: null } });
  const slot = first.slot;
  return [
    { item: deliveryRepository.replace(after, first.version), onFailure: conflict },
    { item: outboxEntry(deliveryEvents.cancelled, after.tenantId, after, now).create, onFailure: conflict },
    ...(slot ? [{ item: slotRepository.releaseUnit({ id: slot.id, date: slot.date }), onFailure: () => new Error(`slot ${slot.id} has no unit to give back`) }] : []),
  ];
}

/** The first leg of a delivery, read consistently (its writes are conditional on this version). */
export async function readFirstLeg(delivery: Delivery): Promise<Delivery | undefined> {
  const id = delivery.hub?.firstLegId;
  return id ? deliveryRepository.get(delivery.tenantId, id, true) : undefined;
}

/** The delivery a first leg belongs to, read consistently. */
export async function readLastLeg(first: Delivery): Promise<Delivery | undefined> {
  return first.leg ? deliveryRepository.get(first.tenantId, first.leg.of, true) : undefined;
}
