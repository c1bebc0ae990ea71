import { transact, writeOne } from '../db/transact.js';
import { bookDelivery } from '../deliveries/booking.js';
import { parisDateOf } from '../deliveries/day.js';
import type { CreateDeliveryBody, Delivery } from '../deliveries/schemas.js';
import { deliveryEvents } from '../deliveries/events.js';
import { deliveryRepository } from '../deliveries/repository.js';
import { applyTransition } from '../deliveries/state-machine.js';
import { AppError } from '../errors.js';
import { outboxEntry } from '../events/outbox.js';
import { logger } from '../logging/logger.js';
import { completeStops } from '../quotes/stops.js';
import { slotRepository } from '../slots/repository.js';
import { closuresFor, hubClosures } from './closures.js';
import { standingOrderEvents, type OccurrenceFailedData } from './events.js';
import { addDays, occurrences, windowOn, type ClosurePeriod, type RecurrenceSpec } from './recurrence.js';
import { standingOrderRepository as repository, type StoredOccurrence } from './repository.js';
import type { OccurrenceOverride, RunResult, StandingOrder } from './schemas.js';
import { occurrenceErrors } from './errors.js';
import { readFirstLeg } from '../hub/legs.js';
import { cancelBooked, firstLegCancellation, systemPrincipal } from './cancel.js';

/**
 * The runner: books each active order's occurrences within the horizon, exactly once per order
 * and date. The occurrence record's conditional write (created when absent, else over the
 * version read while it was `scheduled` or `failed`) is an item of the booking's own transaction
 * (`bookDelivery(…, { extra })`): two runs at once, a retried run, or a run racing an edit, all
 * but one see their transaction refused, and a refused one counts the date as already booked. A
 * booking the domain refuses (slot full, out of capacity, outside the service area…) marks the
 * occurrence `failed` with the code and message, with a `standing_order.occurrence_failed` event
 * in the same transaction (the `standing-order-notify` consumer e-mails the tenant from it), once
 * per occurrence and reason; later
 * runs try again, and a success books it.
 */
export const DEFAULT_HORIZON_DAYS = 14;

export type Outcome = 'booked' | 'alreadyBooked' | 'skipped' | 'failed';
type Counts = Omit<RunResult, 'object' | 'orders'>;

const emptyCounts = (): Counts => ({ booked: 0, alreadyBooked: 0, skipped: 0, failed: 0 });

export function spec(order: StandingOrder): RecurrenceSpec {
  return { rrule: order.rrule, startDate: order.startDate, endDate: order.endDate, skipPublicHolidays: order.skipPublicHolidays, closures: order.closures };
}

/** Paris today. */
export function parisToday(now: Date): string {
  return parisDateOf(now);
}

/** The drop-off window of a day (its override's, else the order's), as instants. */
export function dropoffWindow(order: StandingOrder, date: string, record?: Pick<StoredOccurrence, 'override'>) {
  return windowOn(date, record?.override?.window ?? order.window);
}

function pickupWindow(order: StandingOrder, date: string) {
  if (!order.pickupWindow) return undefined;
  return windowOn(order.pickupWindow.dayBefore ? addDays(date, -1) : date, order.pickupWindow);
}

/**
 * Too late to book: the drop-off window (or the pickup window, the evening before) has already
 * ended. Such a day is shown as skipped `too_late`, never booked in the past.
 */
export function tooLate(order: StandingOrder, date: string, record: Pick<StoredOccurrence, 'override'> | undefined, now: Date): boolean {
  const drop = dropoffWindow(order, date, record);
  const pick = pickupWindow(order, date);
  return Date.parse(drop.end) <= now.getTime() || (pick !== undefined && Date.parse(pick.end) <= now.getTime());
}

class AlreadyHandled extends Error {}
class OrderChanged extends Error {}

/** A refusal that is the occurrence's: recorded as its failure, told to the tenant. */
class OccurrenceProblem extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** What `POST /v1/deliveries` would have been sent for this day. */
async function bookingBody(order: StandingOrder, date: string, record: StoredOccurrence | undefined, now: Date): Promise<CreateDeliveryBody> {
  const override = record?.override ?? null;
  const dropoff = {
    ...order.dropoff,
    window: dropoffWindow(order, date, record ?? undefined),
    ...(override?.instructions !== undefined ? { instructions: override.instructions } : {}),
  };
  let slotId: string | undefined;
  if (order.slotStart !== null) {
    const slots = await slotRepository.listDay(date);
    const slot = slots.find((candidate) => candidate.start === order.slotStart);
    if (!slot) throw new OccurrenceProblem('no_slot', `The hub has no pickup slot starting at ${order.slotStart} on ${date}: ask the hub, or change the order's slotStart.`);
    if (Date.parse(slot.endsAt) <= now.getTime()) throw new OccurrenceProblem('slot_over', `The ${slot.start}–${slot.end} slot of ${date} is already over.`);
    slotId = slot.id;
  }
  const pickWindow = pickupWindow(order, date);
  let pickup = order.pickup ?? undefined;
  if (pickWindow && pickup === undefined) pickup = (await completeStops(order.tenantId, { dropoff, kind: 'delivery' })).pickup;
  const reference = override?.reference ?? order.reference ?? undefined;
  return {
    kind: 'delivery',
    ...(reference !== undefined ? { reference } : {}),
    ...(pickup ? { pickup: { ...pickup, ...(pickWindow ? { window: pickWindow } : {}) } } : {}),
    dropoff,
    parcels: override?.parcels ?? order.parcels,
    service: order.service,
    ...(slotId ? { slotId } : {}),
    // An evening pickup for the next morning: the parcels spend the night at the hub.
    ...(order.pickupWindow?.dayBefore ? { viaHub: { firstLeg: 'courier' as const } } : {}),
  } as CreateDeliveryBody;
}

/**
 * Books one day, or records why it cannot be. `record` is the occurrence as read (absent,
 * `scheduled` or `failed`); its conditional write in the booking's transaction makes a second
 * delivery for the same order and date impossible.
 */
export async function bookOccurrence(order: StandingOrder, date: string, record: StoredOccurrence | undefined, now: Date): Promise<Outcome> {
  let body: CreateDeliveryBody;
  try {
    body = await bookingBody(order, date, record, now);
  } catch (error) {
    if (error instanceof OccurrenceProblem) return recordFailure(order, date, record, error.code, error.message, now);
    if (error instanceof AppError && error.status < 500) return recordFailure(order, date, record, error.code, error.message, now);
    throw error;
  }
  const at = now.toISOString();
  try {
    await bookDelivery(order.tenantId, body, now, {
      standingOrder: { id: order.id, date },
      extra: (delivery) => [
        {
          item: repository.writeOccurrence(
            {
              tenantId: order.tenantId,
              standingOrderId: order.id,
              date,
              state: 'booked',
              deliveryId: delivery.id,
              skipReason: null,
              failure: null,
              override: record?.override ?? null,
              updatedAt: at,
              version: (record?.version ?? 0) + 1,
            },
            record,
          ),
          onFailure: () => new AlreadyHandled(),
        },
        // Edited, paused or ended since it was read: this booking would follow the old order.
        { item: repository.unchanged(order), onFailure: () => new OrderChanged() },
      ],
    });
    return 'booked';
  } catch (error) {
    if (error instanceof AlreadyHandled) return 'alreadyBooked';
    // The change books the day itself (or the next run does), from the order as it is now.
    if (error instanceof OrderChanged) return 'skipped';
    // The domain's refusals are the occurrence's failure; our own trouble (5xx) is retried by the next run.
    if (error instanceof AppError && error.status < 500) return recordFailure(order, date, record, error.code, error.message, now);
    throw error;
  }
}

async function recordFailure(order: StandingOrder, date: string, record: StoredOccurrence | undefined, code: string, message: string, now: Date): Promise<Outcome> {
  // Told already for this reason (the event went out with the first failure): nothing new.
  if (record?.state === 'failed' && record.failure?.code === code) return 'failed';
  const data: OccurrenceFailedData = { standingOrderId: order.id, tenantId: order.tenantId, reference: order.reference, date, code, message };
  const entry = outboxEntry(standingOrderEvents.occurrenceFailed, order.tenantId, data, now);
  const failed: StoredOccurrence = {
    tenantId: order.tenantId,
    standingOrderId: order.id,
    date,
    state: 'failed',
    deliveryId: null,
    skipReason: null,
    failure: { code, message, at: now.toISOString(), eventId: entry.detail.id, notifiedAt: null },
    override: record?.override ?? null,
    updatedAt: now.toISOString(),
    version: (record?.version ?? 0) + 1,
  };
  try {
    await transact([repository.writeOccurrence(failed, record), entry.create], () => new AlreadyHandled());
  } catch (error) {
    // Booked (or failed) by a run at the same time: that write stands.
    if (error instanceof AlreadyHandled) return 'alreadyBooked';
    throw error;
  }
  return 'failed';
}

/**
 * A booked day changed (`PATCH …/occurrences/{date}`): the old delivery, still `booked`, is
 * cancelled (free) and the changed day booked, in one transaction with the occurrence record.
 * A slot unit of the old delivery is given back just after (one transaction cannot both take
 * and give back a unit of the same slot): at worst the slot counts one booking too many.
 */
export async function rebookOccurrence(order: StandingOrder, record: StoredOccurrence, old: Delivery, override: OccurrenceOverride, now: Date, changedMeanwhile: () => Error): Promise<void> {
  const changed: StoredOccurrence = { ...record, override };
  let body: CreateDeliveryBody;
  try {
    body = await bookingBody(order, record.date, changed, now);
  } catch (error) {
    if (error instanceof OccurrenceProblem) throw occurrenceErrors.error('invalid_transition', `${error.message} The booked delivery is kept unchanged.`);
    throw error;
  }
  // Through the hub: the old first leg (pickup → hub) is cancelled in the same transaction, or the change refused once its courier has the parcels.
  const oldFirst = await readFirstLeg(old);
  const leg = firstLegCancellation(oldFirst, now, `Its delivery was changed (${record.date}).`, () => occurrenceErrors.error('version_conflict', `The first leg of ${old.id} changed meanwhile: read the occurrence again.`), { releaseSlot: false });
  if ('kept' in leg) throw occurrenceErrors.error('invalid_transition', `The delivery of ${record.date} (${old.id}) cannot be changed here: ${leg.kept}. Ask the hub.`);
  await bookDelivery(order.tenantId, body, now, {
    standingOrder: { id: order.id, date: record.date },
    extra: (delivery) => {
      const cancelled = applyTransition(old, 'cancel', { now, cancellation: { reason: `Changed: booked again as ${delivery.id}`, at: now.toISOString(), fee: null } });
      return [
        { item: deliveryRepository.replace(cancelled, old.version), onFailure: () => occurrenceErrors.error('version_conflict', `The delivery ${old.id} changed meanwhile (assigned?): read the occurrence again.`) },
        ...leg.writes,
        { item: outboxEntry(deliveryEvents.cancelled, order.tenantId, cancelled, now).create, onFailure: () => new Error('an outbox entry cannot exist already') },
        {
          item: repository.writeOccurrence({ ...changed, state: 'booked', deliveryId: delivery.id, failure: null, updatedAt: now.toISOString(), version: record.version + 1 }, record),
          onFailure: changedMeanwhile,
        },
      ];
    },
  });
  for (const slot of [old.slot, oldFirst && 'writes' in leg && leg.writes.length > 0 ? oldFirst.slot : null]) {
    if (!slot) continue;
    await writeOne(slotRepository.releaseUnit({ id: slot.id, date: slot.date }), () => new Error('no unit to give back')).catch((error: unknown) => {
      logger.warn('standing order: the old slot unit could not be given back', { slotId: slot.id, error: error instanceof Error ? error.message : String(error) });
    });
  }
}

/** A booked day a change took away whose delivery could not be cancelled (assigned or under way): kept, and listed. */
export interface Conflict {
  standingOrderId: string;
  date: string;
  deliveryId: string;
  deliveryStatus: string | null;
  reason: string;
}

export interface Reconciled {
  cancelledDeliveryIds: string[];
  conflicts: Conflict[];
}

/**
 * Books one order's days from today (Paris) to today + `horizonDays`: each date the rule gives
 * that is neither skipped (holiday, closure, the tenant) nor booked, nor already past. First,
 * the days booked from today on (whatever how far ahead) that the order no longer gives (a
 * closure or a public holiday now covers them, the rule or the dates changed) have their
 * delivery cancelled, free (both legs through the hub), with their occurrence record `skipped`
 * in the same transaction (over its version: a run at the same time cannot book it again); a
 * delivery already assigned or under way is kept and listed in `conflicts`.
 */
export async function bookHorizon(order: StandingOrder, now: Date, horizonDays = DEFAULT_HORIZON_DAYS, closures?: ClosurePeriod[]): Promise<Counts & Reconciled> {
  const counts = { ...emptyCounts(), cancelledDeliveryIds: [] as string[], conflicts: [] as Conflict[] };
  // A paused order books nothing, but a day it no longer gives is cancelled all the same; an ended one was settled by its end.
  if (order.status === 'ended') return counts;
  const from = parisToday(now);
  const to = addDays(from, horizonDays);
  const periods = closures ?? (await closuresFor(order.tenantId));
  const records = new Map((await repository.listOccurrences(order.tenantId, order.id, from, '9999-12-31')).map((record) => [record.date, record]));
  const booked = [...records.values()].filter((record) => record.state === 'booked' && record.deliveryId !== null);
  const lastBooked = booked.reduce((last, record) => (record.date > last ? record.date : last), to);
  const days = occurrences(spec(order), periods, from, lastBooked);
  const expanded = new Map(days.map((day) => [day.date, day]));
  for (const record of booked) {
    const day = expanded.get(record.date);
    if (day?.bookable) continue;
    const skip = day && !day.bookable ? day.skip : { code: 'not_in_rule' as const, label: `No longer a day of the standing order (rule ${order.rrule}, from ${order.startDate}${order.endDate ? ` to ${order.endDate}` : ''}).` };
    const deliveryId = record.deliveryId as string;
    try {
      const outcome = await cancelBooked(systemPrincipal(order.tenantId), record, skip.label, now, skip.code === 'skipped_by_tenant' ? 'closure' : skip.code);
      if (outcome.outcome === 'cancelled') {
        counts.cancelledDeliveryIds.push(deliveryId);
        records.set(record.date, { ...record, state: 'skipped' });
      } else {
        counts.conflicts.push({ standingOrderId: order.id, date: record.date, deliveryId, deliveryStatus: outcome.deliveryStatus, reason: `${skip.label}: kept, ${outcome.why}.` });
      }
    } catch (error) {
      // Changed meanwhile (a run or a skip at the same time): that write stands; the next run looks again.
      if (error instanceof AppError && error.code === 'version_conflict') continue;
      // Refused otherwise (the delivery gone): kept and listed, never blocking the order's other days.
      if (error instanceof AppError && error.status < 500) {
        counts.conflicts.push({ standingOrderId: order.id, date: record.date, deliveryId, deliveryStatus: null, reason: `${skip.label}: kept, ${error.message}` });
        continue;
      }
      throw error;
    }
  }
  if (order.status !== 'active') return counts;
  for (const day of days.filter((candidate) => candidate.date <= to)) {
    const record = records.get(day.date);
    if (record?.state === 'booked') counts.alreadyBooked += 1;
    else if ((record?.state === 'skipped' && (record.skipCode ?? 'skipped_by_tenant') === 'skipped_by_tenant') || !day.bookable || tooLate(order, day.date, record, now)) counts.skipped += 1;
    else counts[await bookOccurrence(order, day.date, record, now)] += 1;
  }
  return counts;
}

/** The daily run (and `POST /v1/hub/standing-orders/run`): every active order, found by the status index. */
export async function runStandingOrders(now = new Date(), horizonDays = DEFAULT_HORIZON_DAYS): Promise<RunResult> {
  const orders = await repository.listByStatus('active');
  const hub = await hubClosures();
  const total = emptyCounts();
  for (const order of orders) {
    try {
      const counts = await bookHorizon(order, now, horizonDays, await closuresFor(order.tenantId, hub));
      for (const key of Object.keys(total) as Array<keyof Counts>) total[key] += counts[key];
    } catch (error) {
      // One order's trouble (the table briefly unavailable) does not stop the others; the next run resumes it.
      logger.error('standing order run failed for an order', { standingOrderId: order.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { object: 'standing_order_run', orders: orders.length, ...total };
}
