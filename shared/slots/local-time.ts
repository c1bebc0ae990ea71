import { TZDate, tzScan } from '@date-fns/tz';
import { addYears, format } from 'date-fns';
import { localTimeErrors } from './errors.js';


export const HUB_TIME_ZONE = 'Europe/Paris';

/** How far ahead the hub's calendar reaches: a day's slots are set at most this many years ahead. */
export const SLOT_HORIZON_YEARS = 2;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** A Paris local time on a date: its instant, or the clock change that skips it. */
export type ParisTime = { exists: true; instant: Date } | { exists: false; clocksGoForward: { from: string; to: string } | undefined };

export function parisDate(instant: Date): string {
  return format(new TZDate(instant.getTime(), HUB_TIME_ZONE), 'yyyy-MM-dd');
}

function wallClock(epochMs: number): string {
  return format(new TZDate(epochMs, HUB_TIME_ZONE), 'yyyy-MM-dd HH:mm');
}

/** Clock-face arithmetic on `HH:MM` (no time zone: the face of the clock before a jump). */
function minusMinutes(time: string, minutes: number): string {
  const [hours, mins] = time.split(':').map(Number) as [number, number];
  const total = (((hours * 60 + mins - minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * The instant of a Paris local date and time (`2027-03-28`, `09:30`), or why there is none.
 *
 * - Clocks go forward (last Sunday of March, 02:00 → 03:00): 02:00–02:59 never happens; there
 *   is no instant, and the answer says which jump skipped it.
 * - Clocks go back (last Sunday of October, 03:00 → 02:00): 02:00–02:59 happens twice. Rule:
 *   such a time means its FIRST occurrence (summer time, UTC+2), as calendar software does. It
 *   keeps wall-clock order as instant order through the change (01:30 < 02:30 < 03:30 stay in
 *   that order), so a slot always ends after it starts and one spanning the change lasts what
 *   it really lasts (01:30–03:30 that night is three hours).
 *
 * TZDate resolves a skipped time forward and a repeated time to its second occurrence; both
 * are corrected here from the zone's own changes (tzScan), never from hand-written offsets.
 */
export function parisTime(date: string, time: string): ParisTime {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const candidate = new TZDate(year, month - 1, day, hours, minutes, HUB_TIME_ZONE).getTime();
  const wanted = `${date} ${time}`;
  // tzScan samples hour by hour from the interval's start, so it starts on a whole UTC hour (as
  // Paris's changes do) to report a change at its exact instant; it may also report a change
  // beyond the interval (it steps month by month): only the nearby ones are kept.
  const hourStart = Math.floor(candidate / HOUR_MS) * HOUR_MS;
  const interval = { start: new Date(hourStart - DAY_MS), end: new Date(hourStart + DAY_MS) };
  const changes = tzScan(HUB_TIME_ZONE, interval).filter((change) => change.date >= interval.start && change.date <= interval.end);

  if (wallClock(candidate) !== wanted) {
    const jump = changes.find((change) => change.change > 0);
    if (!jump) return { exists: false, clocksGoForward: undefined };
    const to = format(new TZDate(jump.date.getTime(), HUB_TIME_ZONE), 'HH:mm');
    return { exists: false, clocksGoForward: { from: minusMinutes(to, jump.change), to } };
  }
  for (const change of changes) {
    if (change.change >= 0) continue;
    const earlier = candidate + change.change * MINUTE_MS;
    if (wallClock(earlier) === wanted) return { exists: true, instant: new Date(earlier) };
  }
  return { exists: true, instant: new Date(candidate) };
}

/**
 * The UTC instants of a slot of a Paris day, `index` naming it in errors (`slots[2].start`).
 * A local time that does not exist that day is a 400 that says why, in plain words.
 */
export function slotInstants(date: string, slot: { start: string; end: string }, index: number): { startsAt: Date; endsAt: Date } {
  const resolve = (field: 'start' | 'end'): Date => {
    const resolved = parisTime(date, slot[field]);
    if (resolved.exists) return resolved.instant;
    const jump = resolved.clocksGoForward;
    const why = jump ? `clocks go forward from ${jump.from} to ${jump.to}` : 'the clocks skip it';
    throw localTimeErrors.error('parameter_invalid', `slots[${index}].${field} is ${slot[field]}, which does not exist on ${date} in ${HUB_TIME_ZONE}: ${why}.`, {
      param: `slots[${index}].${field}`,
    });
  };
  return { startsAt: resolve('start'), endsAt: resolve('end') };
}

/** The Paris dates a day's slots may be set for: today to two years ahead. */
export function slotDateRange(now: Date): { first: string; last: string } {
  const today = new TZDate(now.getTime(), HUB_TIME_ZONE);
  return { first: format(today, 'yyyy-MM-dd'), last: format(addYears(today, SLOT_HORIZON_YEARS), 'yyyy-MM-dd') };
}
