import Holidays from 'date-holidays';
import * as rrulePackage from 'rrule';
import { parisTime } from '../slots/local-time.js';
import { AppError } from '../errors.js';
import { standingOrderErrors } from './errors.js';

/**
 * The pure side of standing orders (no AWS, no clock of its own): an RFC 5545 RRULE checked and
 * expanded into Paris dates, French public holidays, closures, and the instants of a day's
 * windows. The runner, the preview and the occurrences listing all read dates from here, so
 * what is previewed is what is booked.
 *
 * Dates are Paris calendar dates (`YYYY-MM-DD`). The rule is expanded "floating": DTSTART is the
 * start date at 00:00 (UTC as a stand-in for wall-clock time, never converted), each produced
 * instant's UTC calendar date is the occurrence's date. So a daylight-saving change never moves
 * an occurrence to another day, and the window's instants are computed afterwards, per date, in
 * Europe/Paris.
 */
// Node loads the package's CommonJS build (its exports under `default` when the lexer misses them),
// esbuild its ES module build (named exports only): the same class either way.
const { RRule } = (typeof rrulePackage.RRule === 'function' ? rrulePackage : (rrulePackage as unknown as { default: typeof rrulePackage }).default);

const DAY_MS = 86_400_000;
/** How far a rule is expanded to find out whether it produces any date at all. */
export const VALIDATION_YEARS = 5;
/** The most occurrences one call computes (a daily rule over 5 years is about 1 830). */
const MAX_EXPANSION = 4000;

export type SkipCode = 'public_holiday' | 'closure' | 'skipped_by_tenant';

export interface ClosurePeriod {
  /** First closed date, inclusive. */
  start: string;
  /** Last closed date, inclusive. */
  end: string;
  reason: string;
  /** Whose closure: the tenant's, the hub's, or the standing order's own. */
  source?: 'order' | 'tenant' | 'hub';
}

/** What the expansion needs of a standing order. */
export interface RecurrenceSpec {
  rrule: string;
  startDate: string;
  endDate: string | null;
  skipPublicHolidays: boolean;
  closures: readonly ClosurePeriod[];
}

export type ExpandedOccurrence =
  | { date: string; bookable: true }
  | { date: string; bookable: false; skip: { code: SkipCode; label: string } };

const days = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
export const addDays = (date: string, count: number) => new Date(Date.parse(`${date}T00:00:00Z`) + count * DAY_MS).toISOString().slice(0, 10);
export const daysBetween = (from: string, to: string) => days(to) - days(from);

/** `RRULE:FREQ=…` or `FREQ=…`, upper-cased (RFC 5545 names are case-insensitive). */
export function normalizeRule(rrule: string): string {
  const trimmed = rrule.trim();
  return (/^RRULE:/i.test(trimmed) ? trimmed.slice('RRULE:'.length) : trimmed).toUpperCase();
}

type ParsedOptions = ReturnType<typeof RRule.parseString>;

const listOf = <T>(value: T | T[] | null | undefined): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);


function invalid(message: string) {
  return standingOrderErrors.error('rrule_invalid', message, { param: 'rrule' });
}

/** The rule's options, or a 400 saying what is wrong with it (`param: rrule`). */
export function parseRule(rrule: string): ParsedOptions {
  const rule = normalizeRule(rrule);
  if (rule === '') throw invalid('rrule is empty: give an RFC 5545 recurrence rule such as FREQ=WEEKLY;BYDAY=MO,TU,TH,FR.');
  if (/[\r\n]/.test(rule)) throw invalid('rrule must be a single RRULE line (FREQ=…;BYDAY=…), without DTSTART or EXDATE lines.');
  if (/(^|;)DTSTART[=:;]/.test(rule)) throw invalid('rrule must not contain DTSTART: the first date is startDate.');
  let options: ParsedOptions;
  try {
    options = RRule.parseString(rule);
  } catch (error) {
    throw invalid(`rrule cannot be read: ${error instanceof Error ? error.message : 'not an RFC 5545 RRULE'}. Example: FREQ=WEEKLY;BYDAY=MO,TU,TH,FR.`);
  }
  if (options.freq === undefined || options.freq === null) throw invalid('rrule needs a FREQ (DAILY, WEEKLY, MONTHLY or YEARLY).');
  if (options.freq === RRule.HOURLY || options.freq === RRule.MINUTELY || options.freq === RRule.SECONDLY) {
    throw standingOrderErrors.error('rrule_too_frequent', 'rrule repeats more often than once a day (FREQ=HOURLY, MINUTELY or SECONDLY): a standing order has at most one delivery a day. Use FREQ=DAILY or WEEKLY.', { param: 'rrule' });
  }
  for (const [part, values] of [['BYHOUR', options.byhour], ['BYMINUTE', options.byminute], ['BYSECOND', options.bysecond]] as const) {
    const list = values === undefined || values === null ? [] : Array.isArray(values) ? values : [values];
    if (list.length > 1) {
      throw standingOrderErrors.error('rrule_too_frequent', `rrule gives several times a day (${part} has ${list.length} values): a standing order has at most one delivery a day; its time is \`window\`.`, { param: 'rrule' });
    }
  }
  const weekdays = options.byweekday === undefined || options.byweekday === null ? [] : Array.isArray(options.byweekday) ? options.byweekday : [options.byweekday];
  if (weekdays.some((day) => day === null || day === undefined)) throw invalid('rrule has a BYDAY that is not a day (MO, TU, WE, TH, FR, SA, SU, optionally with a number: 1MO, -1FR).');
  if (options.interval !== undefined && options.interval !== null && (!Number.isInteger(options.interval) || options.interval < 1)) throw invalid('rrule INTERVAL must be a whole number of at least 1.');
  if (options.count !== undefined && options.count !== null && (!Number.isInteger(options.count) || options.count < 0)) throw invalid('rrule COUNT must be a whole number.');
  if (options.count === 0) throw standingOrderErrors.error('rrule_empty', 'rrule has COUNT=0: it produces no date at all.', { param: 'rrule' });
  for (const [part, values, limit] of [['BYSETPOS', options.bysetpos, 366], ['BYMONTHDAY', options.bymonthday, 31], ['BYMONTH', options.bymonth, 12]] as const) {
    for (const value of listOf(values as number | number[] | null | undefined)) {
      const signed = part !== 'BYMONTH';
      if (!Number.isInteger(value) || value === 0 || Math.abs(value) > limit || (!signed && value < 1)) {
        throw invalid(`rrule ${part}=${String(value)} is out of range: ${signed ? `between 1 and ${limit}, or between -${limit} and -1` : `between 1 and ${limit}`}.`);
      }
    }
  }
  for (const [part, value] of [['BYYEARDAY', options.byyearday], ['BYWEEKNO', options.byweekno], ['BYEASTER', (options as { byeaster?: unknown }).byeaster]] as const) {
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) {
      throw invalid(`rrule ${part} is not supported for standing orders: use FREQ with BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, INTERVAL, COUNT or UNTIL.`);
    }
  }
  return options;
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Whether a rule can produce a date between `first` and `last`, decided without the rrule
 * library: it loops without end on a rule that never produces (a 30 February, a Tuesday every 7
 * days from a Monday), so such a rule must never reach it. Each day is checked against the
 * rule's filters (month, day of the month, weekday) and its period's INTERVAL alignment; a
 * BYSETPOS beyond what a period can hold is empty too.
 */
function canProduce(options: ParsedOptions, first: string, last: string): boolean {
  const months = new Set(listOf(options.bymonth));
  const monthDays = listOf(options.bymonthday);
  const weekdays = new Set(listOf(options.byweekday as unknown as Array<{ weekday: number } | number>).map((day) => (typeof day === 'number' ? day : day.weekday)));
  const interval = options.interval ?? 1;
  const positions = listOf(options.bysetpos);
  const perPeriod =
    options.freq === RRule.DAILY ? 1
    : options.freq === RRule.WEEKLY ? (weekdays.size || 1)
    : options.freq === RRule.MONTHLY ? (monthDays.length > 0 ? monthDays.length : weekdays.size > 0 ? 5 * weekdays.size : 1)
    : 366;
  if (positions.some((position) => Math.abs(position) > perPeriod)) return false;
  const start = new Date(`${first}T00:00:00Z`);
  const startWeek = Math.floor((days(first) - ((start.getUTCDay() + 6) % 7)) / 7);
  for (let day = days(first); day <= days(last); day += 1) {
    const date = new Date(day * DAY_MS);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    const monthDay = date.getUTCDate();
    if (months.size > 0 && !months.has(month)) continue;
    if (monthDays.length > 0 && !monthDays.some((wanted) => wanted === monthDay || wanted === monthDay - daysInMonth(year, month) - 1)) continue;
    if (weekdays.size > 0 && !weekdays.has((date.getUTCDay() + 6) % 7)) continue;
    const periods =
      options.freq === RRule.DAILY ? day - days(first)
      : options.freq === RRule.WEEKLY ? Math.floor((day - ((date.getUTCDay() + 6) % 7)) / 7) - startWeek
      : options.freq === RRule.MONTHLY ? (year - start.getUTCFullYear()) * 12 + month - 1 - start.getUTCMonth()
      : year - start.getUTCFullYear();
    if (periods % interval === 0) return true;
  }
  return false;
}

const floating = (date: string) => new Date(`${date}T00:00:00Z`);

/**
 * Anything the rrule library throws on a rule from a user (a part out of its range that the
 * checks above missed) is that rule's fault: a 400 `rrule_invalid`, never a 500.
 */
function withRule<T>(use: () => T): T {
  try {
    return use();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw invalid(`rrule cannot be used: ${error instanceof Error ? error.message : String(error)}. Example: FREQ=WEEKLY;BYDAY=MO,TU,TH,FR.`);
  }
}

function ruleFor(spec: Pick<RecurrenceSpec, 'rrule' | 'startDate'>) {
  const options = parseRule(spec.rrule);
  // Times in the rule (BYHOUR=7) do not move the date; the time of a delivery is its window.
  return withRule(() => new RRule({ ...options, dtstart: floating(spec.startDate), byhour: null, byminute: null, bysecond: null }));
}

/** The rule's dates from `from` to `to` (inclusive), within the order's start and end dates. */
export function ruleDates(spec: Pick<RecurrenceSpec, 'rrule' | 'startDate' | 'endDate'>, from: string, to: string): string[] {
  const first = from > spec.startDate ? from : spec.startDate;
  const last = spec.endDate !== null && spec.endDate < to ? spec.endDate : to;
  if (first > last) return [];
  const rule = ruleFor(spec);
  const seen = new Set<string>();
  const dates: string[] = [];
  withRule(() =>
    rule.between(floating(first), new Date(floating(last).getTime() + DAY_MS - 1), true, (instant) => {
      const date = instant.toISOString().slice(0, 10);
      if (!seen.has(date)) {
        seen.add(date);
        dates.push(date);
      }
      return dates.length < MAX_EXPANSION;
    }),
  );
  return dates.sort();
}

/**
 * Checks the rule and the dates together: a rule that cannot be read, that repeats more than
 * daily, or that produces no date between startDate and endDate (looked for up to
 * VALIDATION_YEARS ahead) is a 400 naming `rrule`; an endDate before startDate names `endDate`.
 * An endless rule with no end date is fine: only the horizon is ever booked.
 */
export function checkRecurrence(spec: Pick<RecurrenceSpec, 'rrule' | 'startDate' | 'endDate'>): void {
  if (spec.endDate !== null && spec.endDate < spec.startDate) {
    throw standingOrderErrors.error('parameter_invalid', `endDate (${spec.endDate}) is before startDate (${spec.startDate}).`, { param: 'endDate' });
  }
  const options = parseRule(spec.rrule);
  const limit = addDays(spec.startDate, Math.round(VALIDATION_YEARS * 365.25));
  const last = spec.endDate !== null && spec.endDate < limit ? spec.endDate : limit;
  const untilDay = options.until ? options.until.toISOString().slice(0, 10) : undefined;
  if (!canProduce(options, spec.startDate, untilDay !== undefined && untilDay < last ? untilDay : last)) throw empty(spec, limit);
  const rule = ruleFor(spec);
  // Bounded: the rule with an UNTIL at the last day looked at, stopped at its first date.
  let next: Date | undefined;
  withRule(() =>
    new RRule({ ...rule.origOptions, until: new Date(floating(last).getTime() + DAY_MS - 1) }).all((date) => {
      next = date;
      return false;
    }),
  );
  if (next === undefined || next.toISOString().slice(0, 10) > last) throw empty(spec, limit);
}

function empty(spec: Pick<RecurrenceSpec, 'startDate' | 'endDate'>, limit: string) {
  const span = spec.endDate !== null && spec.endDate < limit ? `between ${spec.startDate} and ${spec.endDate}` : `in the ${VALIDATION_YEARS} years from ${spec.startDate}`;
  return standingOrderErrors.error('rrule_empty', `rrule produces no date ${span} (an UNTIL before the start, a day that does not exist such as BYMONTH=2;BYMONTHDAY=30, or COUNT=0).`, { param: 'rrule' });
}

const holidays = new Holidays('FR');
const holidayYears = new Map<number, Map<string, string>>();

/**
 * France's national public holidays of a year (`date-holidays`, country FR without a region:
 * Alsace-Moselle's Good Friday and St Stephen's Day are regional, not here), date → French name.
 */
export function publicHolidays(year: number): Map<string, string> {
  let found = holidayYears.get(year);
  if (!found) {
    found = new Map(
      holidays
        .getHolidays(year, 'fr')
        .filter((holiday) => holiday.type === 'public')
        .map((holiday) => [holiday.date.slice(0, 10), holiday.name] as const),
    );
    holidayYears.set(year, found);
  }
  return found;
}

export function publicHolidayOn(date: string): string | undefined {
  return publicHolidays(Number(date.slice(0, 4))).get(date);
}

/** The closure that covers a date, if any (the first declared). */
export function closureOn(closures: readonly ClosurePeriod[], date: string): ClosurePeriod | undefined {
  return closures.find((closure) => closure.start <= date && date <= closure.end);
}

/**
 * The occurrences of an order from `from` to `to` (inclusive): each date the rule gives, within
 * the order's dates, either bookable or skipped with why (a public holiday and its French name,
 * a closure and its reason). `closures` are the tenant's and the hub's; the order's own are added.
 * At most one per date, sorted, and the same answer for the same input.
 */
export function occurrences(spec: RecurrenceSpec, closures: readonly ClosurePeriod[], from: string, to: string): ExpandedOccurrence[] {
  const all = [...spec.closures, ...closures];
  return ruleDates(spec, from, to).map((date): ExpandedOccurrence => {
    const holiday = spec.skipPublicHolidays ? publicHolidayOn(date) : undefined;
    if (holiday !== undefined) return { date, bookable: false, skip: { code: 'public_holiday', label: holiday } };
    const closure = closureOn(all, date);
    if (closure) return { date, bookable: false, skip: { code: 'closure', label: closure.reason } };
    return { date, bookable: true };
  });
}

/** A Paris local time on a date as an instant; a time the clocks skip means the time just after the jump. */
export function parisInstant(date: string, time: string): Date {
  const resolved = parisTime(date, time);
  if (resolved.exists) return resolved.instant;
  const after = resolved.clocksGoForward?.to ?? '03:00';
  const again = parisTime(date, after);
  if (!again.exists) throw new Error(`No instant for ${date} ${time} in Europe/Paris`);
  return again.instant;
}

/** The instants of a `HH:MM`–`HH:MM` window on a Paris date (DST-correct: 23- and 25-hour days included). */
export function windowOn(date: string, window: { start: string; end: string }): { start: string; end: string } {
  return { start: parisInstant(date, window.start).toISOString(), end: parisInstant(date, window.end).toISOString() };
}
