import { tenantScopeOf, withholdsPersonalData } from '../auth/access.js';
import { TZDate } from '@date-fns/tz';
import type { Principal } from '../auth/principal.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { transact, writeOne, type TransactItem } from '../db/transact.js';
import { outboxEntry } from '../events/outbox.js';
import type { EventDefinition } from '../events/definition.js';
import { pricingContext } from '../hub/settings.js';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/language.js';
import { isId } from '../ids.js';
import { slotRepository } from '../slots/repository.js';
import { localizeDelivery, localizeDeliveries } from './localize.js';
import { withoutPersonalData } from './redaction.js';
import { deliveryRepository } from './repository.js';
import type { CourierEventBody, Delivery, DeliveryStatus, FailureCode } from './schemas.js';
import { aDelivery, applyTransition, canApply, pickedUpThisAttempt, timelineEntry, transitions, type Transition } from './state-machine.js';
import { deliveryEvents } from './events.js';
import { parisDateOf } from './day.js';
import { loadSlot } from './booking.js';
import { deliveryListErrors, deliveryChangeErrors, hubGuardErrors, rescheduleErrors } from './errors.js';
import { loadDelivery } from './access.js';
import { allCheckedIn, cancelFirstLeg, checkOutAll, countParcels, readFirstLeg, readLastLeg, stageOnFirstLegPickedUp } from '../hub/legs.js';

export { loadDelivery } from './access.js';


/** A courier's clock may run a little ahead of ours; more than this is a mistake. */
const CLOCK_SKEW_MS = 2 * 60 * 1000;
const MAX_VERSION_RETRIES = 8;

class VersionConflict extends Error {}

/** An extra item's refusal that means "someone else wrote first": read again and decide again. */
export class RetryChange extends VersionConflict {}

export interface Change {
  after: Delivery;
  /** Other items of the same transaction (a slot unit given back, a courier that must exist, the round's order). */
  extra?: Array<{ item: TransactItem; onFailure: () => Error }>;
  /** Position updates change the delivery without a lifecycle event. */
  event?: boolean;
  /** The event, when the status alone does not say it (arrived, rescheduled, unassigned). */
  eventDefinition?: EventDefinition;
}

/**
 * Optimistic concurrency for every change: compute the next version from what was read, write
 * it on the condition that nobody wrote in between, and on a conflict read again and
 * re-decide (the other actor's change may have made ours invalid: then 409). No lost update.
 * Everything that depends on the state is decided again on each attempt, the clock included:
 * a retry that kept the first attempt's time could find it earlier than the change it lost to.
 * The answer is the delivery in the caller's language (`localizeDelivery`).
 */
export async function changeDelivery(
  principal: Principal,
  deliveryId: string,
  now: Date,
  language: Language,
  decide: (current: Delivery, now: Date) => Change | Delivery | Promise<Change | Delivery>,
): Promise<Delivery> {
  let current = await loadDelivery(principal, deliveryId);
  for (let attempt = 0; ; attempt += 1) {
    const decision = await decide(current, attempt === 0 ? now : new Date(Math.max(now.getTime(), Date.now())));
    if (!('after' in decision)) return localizeDelivery(decision, language);
    const { after, extra = [], event = true } = decision;
    const type = decision.eventDefinition ?? eventTypeFor(after.status);
    const items: TransactItem[] = [deliveryRepository.replace(after, current.version), ...extra.map((entry) => entry.item)];
    if (event && type) items.push(outboxEntry(type, after.tenantId, after, new Date(after.updatedAt)).create);
    try {
      const refusal = ({ index }: { index: number }) => (index === 0 ? new VersionConflict() : (extra[index - 1]?.onFailure() ?? new Error('condition failed')));
      // A lone write (a position report) needs no transaction: a conditional put at half the cost.
      const answer = localizeDelivery(after, language);
      if (items.length === 1) await writeOne(items[0] as TransactItem, refusal, { result: answer });
      else await transact(items, refusal, { result: answer });
      return answer;
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      if (attempt >= MAX_VERSION_RETRIES) {
        throw deliveryChangeErrors.error('version_conflict', 'The delivery kept changing while this change was being made (others changed it at the same time): try again.');
      }
      // A little jitter, so changes racing each other do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 20 * (attempt + 1))));
      current = await loadDelivery(principal, deliveryId, true);
    }
  }
}

function eventTypeFor(status: DeliveryStatus) {
  const transition = Object.values(transitions).find((candidate) => candidate.to === status && status !== 'booked');
  return transition?.event;
}

export async function getDelivery(principal: Principal, deliveryId: string, language: Language = DEFAULT_LANGUAGE): Promise<Delivery> {
  const delivery = await loadDelivery(principal, deliveryId);
  return localizeDelivery(withholdsPersonalData(principal) ? withoutPersonalData(delivery) : delivery, language);
}

export interface ListFilter {
  status?: DeliveryStatus | undefined;
  tenantId?: string | undefined;
  /** Booked from this Paris day, and up to this one (inclusive), YYYY-MM-DD. */
  from?: string | undefined;
  to?: string | undefined;
}

/** A Paris day's first instant, and the next day's (dates of a list filter). */
function bookedBetween(filter: ListFilter): { from?: Date; to?: Date } | undefined {
  if (filter.from === undefined && filter.to === undefined) return undefined;
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) {
    throw deliveryListErrors.error('parameter_invalid', `from (${filter.from}) is after to (${filter.to}).`, { param: 'from' });
  }
  const startOf = (date: string) => {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    return new Date(new TZDate(year, month - 1, day, 0, 0, 0, 'Europe/Paris').getTime());
  };
  return {
    ...(filter.from !== undefined ? { from: startOf(filter.from) } : {}),
    // The end of the day: the next day's start (a Paris day is 23, 24 or 25 hours long), less a millisecond.
    ...(filter.to !== undefined ? { to: new Date(startOf(new Date(Date.parse(`${filter.to}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10)).getTime() - 1) } : {}),
  };
}

export async function listDeliveries(principal: Principal, filter: ListFilter, page: PageRequest, language: Language = DEFAULT_LANGUAGE): Promise<Page<Delivery>> {
  const found = await findDeliveries(principal, filter, page);
  return localizeDeliveries(withholdsPersonalData(principal) ? { ...found, data: found.data.map(withoutPersonalData) } : found, language);
}

async function findDeliveries(principal: Principal, filter: ListFilter, page: PageRequest): Promise<Page<Delivery>> {
  const own = tenantScopeOf(principal);
  if (own !== undefined) {
    if (filter.tenantId !== undefined && filter.tenantId !== own) throw deliveryListErrors.error('parameter_invalid', "tenantId: a tenant's key lists its own tenant's deliveries only.", { param: 'tenantId' });
    return deliveryRepository.listForTenant(own, filter.status, page, bookedBetween(filter));
  }
  if (filter.tenantId !== undefined) {
    if (!isId('tenant', filter.tenantId)) return { data: [], hasMore: false, nextCursor: null };
    return deliveryRepository.listForTenant(filter.tenantId, filter.status, page, bookedBetween(filter));
  }
  if (filter.status === undefined) {
    throw deliveryListErrors.error('parameter_missing', 'Give tenantId to list one tenant\'s deliveries, or status to list the whole hub\'s.', { param: 'status' });
  }
  return deliveryRepository.listForHub(filter.status, page);
}

/** Cancelling is free before assignment; after it, the tenant's rate card may charge a fee. */
export async function cancelDelivery(
  principal: Principal,
  deliveryId: string,
  reason: string | undefined,
  language: Language = DEFAULT_LANGUAGE,
  requestedAt = new Date(),
): Promise<Delivery> {
  return changeDelivery(principal, deliveryId, requestedAt, language, async (current, now) => {
    if (current.status === 'cancelled') return current;
    if (!canApply(current.status, 'cancel')) {
      throw deliveryChangeErrors.error('invalid_transition', `${aDelivery(current.status)} can no longer be cancelled.`);
    }
    const fee = current.status === 'assigned' ? await cancellationFee(current.tenantId) : null;
    const after = applyTransition(current, 'cancel', { now, cancellation: { reason: reason ?? null, at: now.toISOString(), fee } });
    const slot = current.slot;
    // Through the hub: a first leg not picked up yet is cancelled with it, free (one picked up still brings the parcels to the hub).
    const first = await readFirstLeg(current);
    const legWrites = first ? cancelFirstLeg(first, now, 'Its delivery was cancelled.', () => new RetryChange()) : [];
    const extra = [...(slot ? [{ item: slotRepository.releaseUnit({ id: slot.id, date: slot.date }), onFailure: () => new Error(`slot ${slot.id} has no unit to give back`) }] : []), ...legWrites];
    return { after, ...(extra.length > 0 ? { extra } : {}) };
  });
}

async function cancellationFee(tenantId: string, which: 'cancellationFeeCents' | 'failedAttemptFeeCents' = 'cancellationFeeCents'): Promise<Delivery['price'] | null> {
  const { rateCard } = await pricingContext(tenantId);
  const net = rateCard[which];
  if (net === 0) return null;
  const vat = Math.floor((net * rateCard.vatRateBasisPoints + 5000) / 10000);
  return { currency: 'EUR', net, vat, gross: net + vat };
}

const courierTransitions = {
  picked_up: 'pick_up',
  delivered: 'deliver',
  failed: 'fail',
  returned: 'return',
} as const satisfies Record<Exclude<CourierEventBody['type'], 'position' | 'arrived'>, Transition>;

const failureWords: Record<FailureCode, string> = {
  absent: 'Recipient absent',
  refused: 'Refused by the recipient',
  address_not_found: 'Address not found',
  damaged: 'Parcel damaged',
  inaccessible: 'Address not accessible',
  other: 'Other reason',
};

/** Checks a courier's report for what belongs together, before anything is read. */
function checkReport(body: CourierEventBody): void {
  const only = (field: keyof CourierEventBody, type: CourierEventBody['type']) => {
    if (body[field] !== undefined && body.type !== type) throw deliveryChangeErrors.error('parameter_invalid', `${field} goes with a ${type} event only.`, { param: field });
  };
  if (body.type === 'failed' && body.reason === undefined && body.reasonCode === undefined) throw deliveryChangeErrors.error('parameter_missing', 'reason (a note) or reasonCode (absent, refused, address_not_found, damaged, inaccessible, other) is required when a delivery failed.', { param: 'reason' });
  if (body.type === 'position' && body.position === undefined) throw deliveryChangeErrors.error('parameter_missing', 'position is required for a position report.', { param: 'position' });
  if (body.type === 'arrived' && body.stop === undefined) throw deliveryChangeErrors.error('parameter_missing', 'stop (pickup or dropoff) is required with arrived.', { param: 'stop' });
  only('proof', 'delivered');
  only('reason', 'failed');
  only('reasonCode', 'failed');
  only('stop', 'arrived');
}

/** Hooks other areas give the lifecycle (proof photos are checked and cleaned before a delivery is recorded). */
export interface CourierEventHooks {
  /** Checks what goes with the proof; answers the writes that record it, made in the delivery's transaction. */
  beforeDelivered?(delivery: Delivery, proof: NonNullable<CourierEventBody['proof']>): Promise<NonNullable<Change['extra']>>;
}

/**
 * What a courier reports: arrival at a stop, pickup, delivery (with proof), failure (with a
 * reason), the parcel back at the hub, or its position. A repeated report of the step already
 * taken is answered with the delivery unchanged (a phone on a bad network retries); a report out
 * of order is a 409; a delivery that is not on the courier's round is a 409 `not_on_round`.
 */
export async function recordCourierEvent(
  principal: Principal,
  deliveryId: string,
  body: CourierEventBody,
  language: Language = DEFAULT_LANGUAGE,
  requestedAt = new Date(),
  hooks: CourierEventHooks = {},
): Promise<Delivery> {
  const reportedAt = body.at === undefined ? undefined : new Date(body.at);
  if (reportedAt && reportedAt.getTime() > requestedAt.getTime() + CLOCK_SKEW_MS) throw deliveryChangeErrors.error('parameter_invalid', 'at must not be in the future.', { param: 'at' });
  checkReport(body);
  let proofWrites: NonNullable<Change['extra']> = [];
  if (body.type === 'delivered' && body.proof && hooks.beforeDelivered && (body.proof.photoId !== undefined || body.proof.signatureId !== undefined)) {
    const current = await loadDelivery(principal, deliveryId);
    if (current.status === 'picked_up') proofWrites = await hooks.beforeDelivered(current, body.proof);
  }

  return changeDelivery(principal, deliveryId, requestedAt, language, async (current, now) => {
    const at = reportedAt ?? now;
    if (body.type === 'position') {
      const position = body.position as { lat: number; lng: number };
      if (current.status !== 'assigned' && current.status !== 'picked_up') {
        throw deliveryChangeErrors.error('invalid_transition', `Positions are kept while a delivery is under way, not when it is ${current.status.replaceAll('_', ' ')}.`);
      }
      if (current.lastPosition && Date.parse(current.lastPosition.at) > at.getTime()) return current; // an older report arriving late
      return { after: { ...current, lastPosition: { ...position, at: at.toISOString() }, updatedAt: now.toISOString(), version: current.version + 1 }, event: false };
    }
    if (body.type === 'arrived') return arrive(current, body.stop as 'pickup' | 'dropoff', reportedAt, now);
    const transition: Transition = body.type === 'delivered' && current.returnToSender ? 'deliver_to_sender' : courierTransitions[body.type];
    if (current.status === transitions[transition].to) return current;
    if (transition === 'return' && current.status === 'failed' && !pickedUpThisAttempt(current)) {
      throw deliveryChangeErrors.error('invalid_transition', 'Nothing to bring back to the hub: the parcel was never picked up. The sender or the hub can reschedule it.');
    }
    const code = body.reasonCode ?? 'other';
    // Through the hub: the last leg leaves the hub only once every parcel is in; the first leg's pickup puts them on their way there.
    const legs = transition === 'pick_up' ? await pickUpThroughHub(current, now) : { extra: [] };
    const extra = transition === 'deliver' || transition === 'deliver_to_sender' ? proofWrites : legs.extra;
    const fee = body.type === 'failed' ? await cancellationFee(current.tenantId, 'failedAttemptFeeCents') : null;
    return {
      ...(extra.length > 0 ? { extra } : {}),
      after: applyTransition(current, transition, {
        ...(reportedAt ? { at: reportedAt } : {}),
        now,
        ...(legs.patch ? { patch: legs.patch } : {}),
        ...(body.type === 'delivered' ? { proof: body.proof ?? {} } : {}),
        ...(body.type === 'failed'
          ? { failureReason: body.reason ?? failureWords[code], failure: { code, note: body.reason ?? null, at: (reportedAt ?? now).toISOString(), attempt: current.attempt, fee } }
          : {}),
      }),
    };
  });
}

/**
 * A pickup through the hub. The last leg's (from the hub): refused (409 `not_at_hub`) until every
 * parcel is checked in; after that, it checks them all out (the courier did not scan them). The
 * first leg's: the delivery it belongs to is now `to_hub`, written in the same transaction (a
 * conflict on it reads both again).
 */
async function pickUpThroughHub(current: Delivery, now: Date): Promise<{ extra: NonNullable<Change['extra']>; patch?: Partial<Delivery> }> {
  if (current.hub) {
    if (!allCheckedIn(current.hub)) {
      const counts = countParcels(current.hub);
      throw hubGuardErrors.error('not_at_hub', `This delivery goes through the hub and its parcels are not all there yet (${counts.checkedIn} of ${counts.total} checked in): it can leave the hub once they are.`);
    }
    return { extra: [], patch: { hub: checkOutAll(current.hub, now.toISOString()) } };
  }
  const last = current.leg ? await readLastLeg(current) : undefined;
  const moved = last?.hub ? stageOnFirstLegPickedUp(last.hub) : undefined;
  if (!last || !moved) return { extra: [] };
  const after = { ...last, hub: moved, updatedAt: now.toISOString(), version: last.version + 1 };
  return { extra: [{ item: deliveryRepository.replace(after, last.version), onFailure: () => new RetryChange() }] };
}

/** The courier reached a stop: the timeline says so, the status stays. */
function arrive(current: Delivery, stop: 'pickup' | 'dropoff', reportedAt: Date | undefined, now: Date): Change | Delivery {
  const expected = stop === 'pickup' ? 'assigned' : 'picked_up';
  const already = current.timeline.some((entry) => entry.step === 'arrived' && entry.stop === stop && (entry.attempt ?? 1) === current.attempt);
  if (already && (current.status === expected || (stop === 'pickup' && current.status !== 'booked'))) return current;
  if (current.status !== expected) {
    throw deliveryChangeErrors.error('invalid_transition', `${aDelivery(current.status)} cannot be arrived at its ${stop === 'pickup' ? 'pickup' : 'drop-off'} (allowed when ${expected.replace('_', ' ')}).`);
  }
  const last = current.timeline.at(-1);
  if (reportedAt && last && reportedAt.getTime() < Date.parse(last.at)) {
    throw deliveryChangeErrors.error('parameter_invalid', `at must not be before the delivery's last event (${last.at}).`, { param: 'at' });
  }
  const at = (reportedAt ?? new Date(Math.max(now.getTime(), last ? Date.parse(last.at) : 0))).toISOString();
  return {
    after: { ...current, timeline: [...current.timeline, timelineEntry(current.status, at, current.attempt, { step: 'arrived', stop })], updatedAt: now.toISOString(), version: current.version + 1 },
    eventDefinition: deliveryEvents.arrived,
  };
}

/** The hub checks a failed parcel back in (the courier may have forgotten to say so). */
export async function returnToHub(principal: Principal, deliveryId: string, language: Language = DEFAULT_LANGUAGE, requestedAt = new Date()): Promise<Delivery> {
  return changeDelivery(principal, deliveryId, requestedAt, language, (current, now) => {
    if (current.status === 'returned') return current;
    if (current.status === 'failed' && !pickedUpThisAttempt(current)) {
      throw deliveryChangeErrors.error('invalid_transition', 'Nothing to check in: the parcel was never picked up. Reschedule it instead.');
    }
    return { after: applyTransition(current, 'return', { now }) };
  });
}

export interface RescheduleInput {
  slotId?: string | undefined;
  date?: string | undefined;
  dropoffWindow?: { start: string; end: string } | undefined;
  returnToSender?: boolean;
}

/**
 * A new attempt after a failure, for the same delivery: booked again (the queue of the hub),
 * on a slot or a day, the timeline and the failure kept. A parcel that came back to the hub
 * leaves from the hub (the depot is the new pickup); one never picked up leaves from where it
 * was. Back to the sender: the sender's address becomes the drop-off; delivered there, the
 * delivery ends `returned_to_sender`.
 */
export async function rescheduleDelivery(
  principal: Principal,
  deliveryId: string,
  input: RescheduleInput,
  depot: { name: string; address: Delivery['pickup']['address'] },
  language: Language = DEFAULT_LANGUAGE,
  requestedAt = new Date(),
): Promise<Delivery> {
  if (input.slotId !== undefined && input.date !== undefined) throw rescheduleErrors.error('parameter_invalid', 'Give slotId or date, not both.', { param: 'date' });
  if (input.slotId === undefined && input.date === undefined) throw rescheduleErrors.error('parameter_missing', 'Give slotId (a pickup slot) or date (a day) for the new attempt.', { param: 'slotId' });
  const today = parisDateOf(requestedAt);
  if (input.date !== undefined && input.date < today) throw rescheduleErrors.error('parameter_invalid', `date (${input.date}) is in the past: today is ${today}.`, { param: 'date' });
  if (input.dropoffWindow && Date.parse(input.dropoffWindow.end) <= Date.parse(input.dropoffWindow.start)) {
    throw rescheduleErrors.error('parameter_invalid', 'dropoffWindow must end after it starts.', { param: 'dropoffWindow.end' });
  }
  const slot = input.slotId === undefined ? undefined : await loadSlot(input.slotId, requestedAt);
  const transition: Transition = input.returnToSender ? 'return_to_sender' : 'reschedule';
  return changeDelivery(principal, deliveryId, requestedAt, language, (current, now) => {
    if (!canApply(current.status, transition)) {
      throw rescheduleErrors.error('invalid_transition', `${aDelivery(current.status)} cannot be ${input.returnToSender ? 'sent back to its sender' : 'rescheduled'}${input.returnToSender ? ' (it must be back at the hub first: returned)' : ' (only after a failure)'}.`);
    }
    const atHub = current.status === 'returned';
    if (current.status === 'failed' && pickedUpThisAttempt(current)) {
      throw rescheduleErrors.error('invalid_transition', 'The parcel is still with the courier: it must come back to the hub first (returned), then it can be rescheduled.');
    }
    const origin = current.origin ?? { address: current.pickup.address, ...(current.pickup.contact ? { contact: current.pickup.contact } : {}) };
    const window = slot ? { start: slot.startsAt, end: slot.endsAt } : undefined;
    const pickup = atHub ? { address: depot.address, contact: { name: depot.name }, ...(window ? { window } : {}) } : { ...current.pickup, ...(window ? { window } : {}) };
    if (!window && !atHub) delete (pickup as { window?: unknown }).window;
    const dropoff = input.returnToSender
      ? { address: origin.address, ...(origin.contact ? { contact: origin.contact } : {}), ...(input.dropoffWindow ? { window: input.dropoffWindow } : {}) }
      : { ...current.dropoff, ...(input.dropoffWindow ? { window: input.dropoffWindow } : {}) };
    if (!input.dropoffWindow) delete (dropoff as { window?: unknown }).window;
    const serviceDate = slot ? slot.date : (input.date as string);
    const after = applyTransition(current, transition, {
      now,
      entry: { step: 'rescheduled' },
      patch: {
        attempt: current.attempt + 1,
        courierId: null,
        slot: slot ? { id: slot.id, date: slot.date, start: slot.start, end: slot.end } : null,
        pickup,
        dropoff,
        origin: atHub ? origin : (current.origin ?? null),
        returnToSender: input.returnToSender ?? false,
        serviceDate,
        proof: null,
        lastPosition: null,
      },
    });
    return {
      after,
      eventDefinition: deliveryEvents.rescheduled,
      ...(slot ? { extra: [{ item: slotRepository.takeUnit(slot), onFailure: () => rescheduleErrors.error('slot_full', 'This slot has no capacity left: choose another one.', { param: 'slotId' }) }] } : {}),
    };
  });
}

export async function listCourierDeliveries(principal: Principal, page: PageRequest, language: Language = DEFAULT_LANGUAGE): Promise<Page<Delivery>> {
  if (principal.role !== 'courier') throw deliveryListErrors.error('forbidden', 'Only couriers have a task list.');
  return localizeDeliveries(await deliveryRepository.listOpenForCourier(principal.courierId, page), language);
}
