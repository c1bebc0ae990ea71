/**
 * After a failure, without the DOM: what can be done with a delivery now (check it in at the hub,
 * reschedule it, return it to its sender), the body of `POST /v1/deliveries/{id}/reschedule` from
 * what the form holds (a Paris day, a slot, a drop-off window in Paris time), and each timeline
 * entry in words. Unit-tested in Node (tests/unit/web-reschedule.test.ts).
 */
import { parisDate, TIME_ZONE } from '../format.js';
import type { MessageKey, Vars } from '../i18n.js';
import type { Delivery, TimelineEntry } from '../types.js';

type Facts = Pick<Delivery, 'status' | 'timeline'> & { attempt?: number | undefined };

/** Whether the current attempt's parcel was picked up (a failure then brings it back to the hub). */
export function pickedUpThisAttempt(delivery: Facts): boolean {
  const attempt = delivery.attempt ?? 1;
  return delivery.timeline.some((entry) => entry.status === 'picked_up' && (entry.attempt ?? 1) === attempt);
}

/** A new attempt can be booked: the parcel is back at the hub, or it never left its pickup. */
export const canReschedule = (delivery: Facts): boolean => delivery.status === 'returned' || (delivery.status === 'failed' && !pickedUpThisAttempt(delivery));

/** Back to the sender: only once the parcel is at the hub. */
export const canReturnToSender = (delivery: Facts): boolean => delivery.status === 'returned';

/** The hub checks in a failed parcel that the courier had on the bike. */
export const canCheckIn = (delivery: Facts): boolean => delivery.status === 'failed' && pickedUpThisAttempt(delivery);

/** Where a failed delivery stands: `on_bike` (coming back), `not_picked_up`, `at_hub`, or null. */
export function afterFailureState(delivery: Facts): 'on_bike' | 'not_picked_up' | 'at_hub' | null {
  if (delivery.status === 'returned') return 'at_hub';
  if (delivery.status !== 'failed') return null;
  return pickedUpThisAttempt(delivery) ? 'on_bike' : 'not_picked_up';
}

const paris = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** How far Paris is ahead of UTC at an instant, in milliseconds. */
function parisOffset(instant: number): number {
  const parts = Object.fromEntries(paris.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant of a Paris day and clock time ("2026-03-29", "14:30") as an ISO string; null for
 * something that is not a day and a time. A time skipped by the spring change reads as the hour
 * after.
 */
export function parisInstant(date: string, time: string): string | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const clock = /^(\d{2}):(\d{2})$/.exec(time);
  if (!day || !clock) return null;
  const wall = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]), Number(clock[1]), Number(clock[2]));
  if (Number.isNaN(wall) || Number(clock[1]) > 23 || Number(clock[2]) > 59) return null;
  let instant = wall - parisOffset(wall);
  instant = wall - parisOffset(instant);
  return new Date(instant).toISOString();
}

export interface RescheduleChoice {
  /** The Paris day (YYYY-MM-DD). */
  date: string;
  /** A pickup slot of that day, or '' for the day without a slot. */
  slotId: string;
  /** The drop-off window in Paris time ("HH:MM"), both or neither. */
  windowFrom: string;
  windowTo: string;
}

export interface RescheduleBody {
  slotId?: string;
  date?: string;
  dropoffWindow?: { start: string; end: string };
}

export type ChoiceProblem = 'date_missing' | 'date_past' | 'window_incomplete' | 'window_order';

/** What the API takes for the choice (a slot, else the day), or what is wrong with it. */
export function rescheduleBody(choice: RescheduleChoice, now: Date = new Date()): { body: RescheduleBody } | { problem: ChoiceProblem } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(choice.date)) return { problem: 'date_missing' };
  if (choice.date < parisDate(now)) return { problem: 'date_past' };
  const body: RescheduleBody = choice.slotId ? { slotId: choice.slotId } : { date: choice.date };
  const from = choice.windowFrom.trim();
  const to = choice.windowTo.trim();
  if (from !== '' || to !== '') {
    const start = from === '' ? null : parisInstant(choice.date, from);
    const end = to === '' ? null : parisInstant(choice.date, to);
    if (!start || !end) return { problem: 'window_incomplete' };
    if (Date.parse(end) <= Date.parse(start)) return { problem: 'window_order' };
    body.dropoffWindow = { start, end };
  }
  return { body };
}

export const problemKey: Record<ChoiceProblem, MessageKey> = {
  date_missing: 'after.form.dateMissing',
  date_past: 'after.form.datePast',
  window_incomplete: 'after.form.windowIncomplete',
  window_order: 'after.form.windowOrder',
};

/** A failure's reason in words (the key of its code; `other` with the courier's note said apart). */
export const failureReasonKey = (code: string): MessageKey =>
  (['absent', 'refused', 'address_not_found', 'damaged', 'inaccessible', 'other'].includes(code) ? `after.failure.reason.${code}` : 'after.failure.reason.other') as MessageKey;

/** What a timeline entry says: a message key and its values (the attempt is said apart). */
export function timelineWords(entry: TimelineEntry, delivery: Pick<Delivery, 'failure' | 'returnToSender' | 'attempt'>): { key: MessageKey; vars?: Vars; reasonKey?: MessageKey } {
  const attempt = entry.attempt ?? 1;
  if (entry.step === 'arrived') return { key: entry.stop === 'pickup' ? 'after.timeline.arrivedPickup' : 'after.timeline.arrivedDropoff' };
  if (entry.step === 'rescheduled') {
    return { key: delivery.returnToSender && attempt === (delivery.attempt ?? 1) ? 'after.timeline.returnScheduled' : 'after.timeline.rescheduled' };
  }
  if (entry.status === 'failed' && delivery.failure && delivery.failure.attempt === attempt) {
    return { key: 'after.timeline.failed', reasonKey: failureReasonKey(delivery.failure.code) };
  }
  return { key: `status.${entry.status}` as MessageKey };
}
