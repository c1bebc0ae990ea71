import { TZDate } from '@date-fns/tz';

/**
 * Billing periods are calendar months in Europe/Paris (`2026-03`): a delivery belongs to the
 * Paris month of the moment it was delivered (or cancelled, for a fee), so a delivery at 00:30
 * on April 1st in Saint-Étienne is April's, although it is still March 31st in UTC.
 */
export const BILLING_TIME_ZONE = 'Europe/Paris';

export const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

function parse(period: string): { year: number; month: number } {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) throw new RangeError(`Not a period (YYYY-MM): '${period}'`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

function format(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

function paris(instant: Date | string | number): TZDate {
  return new TZDate(new Date(instant).getTime(), BILLING_TIME_ZONE);
}

/** The Paris month an instant falls in. */
export function periodOf(instant: Date | string | number): string {
  const local = paris(instant);
  return format(local.getFullYear(), local.getMonth() + 1);
}

/** The first instant of the period and the first instant after it, as UTC instants. */
export function periodBounds(period: string): { start: Date; end: Date } {
  const { year, month } = parse(period);
  return {
    start: new Date(new TZDate(year, month - 1, 1, 0, 0, 0, BILLING_TIME_ZONE).getTime()),
    end: new Date(new TZDate(month === 12 ? year + 1 : year, month === 12 ? 0 : month, 1, 0, 0, 0, BILLING_TIME_ZONE).getTime()),
  };
}

export function shiftPeriod(period: string, months: number): string {
  const { year, month } = parse(period);
  const index = year * 12 + (month - 1) + months;
  return format(Math.floor(index / 12), (index % 12) + 1);
}

/**
 * The periods a billing run may bill, oldest and newest. Not before the Paris month the first
 * tenant joined: every billable line is a tenant's delivery, so an earlier month holds nothing,
 * and a request for one is a mistake (`0000-01`, a mistyped year). Not after the current Paris
 * month: a month not started has nothing delivered. The current month itself may be billed
 * before it ends: the run bills what is delivered so far, and a later run of the same month
 * bills the rest on a new invoice (each line is billed once). No tenant yet: the current month.
 */
export function billablePeriods(firstTenantJoinedAt: Date | string | undefined, now: Date): { earliest: string; latest: string } {
  const latest = periodOf(now);
  const joined = firstTenantJoinedAt === undefined ? latest : periodOf(firstTenantJoinedAt);
  // A clock running behind the one that stamped the tenant must not make the range empty.
  return { earliest: joined < latest ? joined : latest, latest };
}

/** The month before the one `now` falls in, in Paris: what the monthly schedule bills. */
export function previousPeriod(now: Date): string {
  return shiftPeriod(periodOf(now), -1);
}

/** The Paris calendar date of an instant, `YYYY-MM-DD`. */
export function parisDate(instant: Date | string | number): string {
  const local = paris(instant);
  return `${format(local.getFullYear(), local.getMonth() + 1)}-${String(local.getDate()).padStart(2, '0')}`;
}

/** Calendar arithmetic on a `YYYY-MM-DD` date (no time zone involved). */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** `mars 2026`: the period as a French reader names it. */
export function periodLabel(period: string): string {
  const { year, month } = parse(period);
  const names = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
  return `${names[month - 1]} ${year}`;
}
