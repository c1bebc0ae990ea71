/**
 * The standing orders' form, without the DOM: the weekdays and the frequency the person ticks as
 * an RFC 5545 `RRULE` (and back, when a rule is that simple), the preview's dates grouped by
 * week, and the checks said at the field before the API is asked (a window that ends before it
 * starts, a closure that ends before it starts).
 */

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Simple {
  days: Weekday[];
  /** 1: every week; 2: every other week. */
  interval: 1 | 2;
}

/** `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,TH,FR` from the ticked days (in the week's order). */
export function composeRrule(simple: Simple): string {
  const days = WEEKDAYS.filter((day) => simple.days.includes(day));
  const parts = ['FREQ=WEEKLY'];
  if (simple.interval === 2) parts.push('INTERVAL=2');
  if (days.length > 0) parts.push(`BYDAY=${days.join(',')}`);
  return parts.join(';');
}

/**
 * The ticked days and frequency of a rule, when it says nothing more than that; null for any
 * other rule (shown in the advanced field as typed).
 */
export function parseSimpleRrule(rrule: string): Simple | null {
  const text = rrule.trim().replace(/^RRULE:/i, '');
  if (text === '') return null;
  const parts = new Map<string, string>();
  for (const part of text.split(';')) {
    const [name, value] = part.split('=');
    if (!name || value === undefined || parts.has(name.toUpperCase())) return null;
    parts.set(name.toUpperCase(), value.toUpperCase());
  }
  if (parts.get('FREQ') !== 'WEEKLY') return null;
  for (const name of parts.keys()) if (!['FREQ', 'INTERVAL', 'BYDAY', 'WKST'].includes(name)) return null;
  if (parts.has('WKST') && parts.get('WKST') !== 'MO') return null;
  const interval = parts.get('INTERVAL') ?? '1';
  if (interval !== '1' && interval !== '2') return null;
  const byday = parts.get('BYDAY');
  if (!byday) return null;
  const days = byday.split(',');
  if (!days.every((day): day is Weekday => (WEEKDAYS as readonly string[]).includes(day))) return null;
  return { days: WEEKDAYS.filter((day) => days.includes(day)), interval: interval === '2' ? 2 : 1 };
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
export const isTime = (text: string) => TIME.test(text);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const isDay = (text: string) => DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));

export type WindowProblem = 'startMissing' | 'endMissing' | 'startInvalid' | 'endInvalid' | 'order' | null;

/** What is wrong with a drop-off window "HH:MM–HH:MM", if anything. */
export function windowProblem(start: string, end: string): { field: 'start' | 'end'; problem: Exclude<WindowProblem, null> } | null {
  if (start.trim() === '') return { field: 'start', problem: 'startMissing' };
  if (!isTime(start)) return { field: 'start', problem: 'startInvalid' };
  if (end.trim() === '') return { field: 'end', problem: 'endMissing' };
  if (!isTime(end)) return { field: 'end', problem: 'endInvalid' };
  if (end <= start) return { field: 'end', problem: 'order' };
  return null;
}

export interface ClosureForm {
  start: string;
  end: string;
  reason: string;
}

/** The closures' problems by index and field ("end before start" is said at the end date). */
export function closureProblems(closures: readonly ClosureForm[]): Array<Partial<Record<'start' | 'end' | 'reason', 'missing' | 'invalid' | 'order'>>> {
  return closures.map((closure) => {
    const problems: Partial<Record<'start' | 'end' | 'reason', 'missing' | 'invalid' | 'order'>> = {};
    if (closure.start === '') problems.start = 'missing';
    else if (!isDay(closure.start)) problems.start = 'invalid';
    if (closure.end === '') problems.end = 'missing';
    else if (!isDay(closure.end)) problems.end = 'invalid';
    else if (!problems.start && closure.end < closure.start) problems.end = 'order';
    if (closure.reason.trim() === '') problems.reason = 'missing';
    return problems;
  });
}

/** The Monday of a day's week (`YYYY-MM-DD`). */
export function mondayOf(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  const shift = (date.getUTCDay() + 6) % 7;
  date.setUTCDate(date.getUTCDate() - shift);
  return date.toISOString().slice(0, 10);
}

/** Items with a `date`, grouped by the Monday of their week, weeks and days in order. */
export function byWeek<T extends { date: string }>(items: readonly T[]): Array<{ monday: string; items: T[] }> {
  const weeks = new Map<string, T[]>();
  for (const item of [...items].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))) {
    const monday = mondayOf(item.date);
    const list = weeks.get(monday) ?? [];
    list.push(item);
    weeks.set(monday, list);
  }
  return [...weeks.entries()].map(([monday, list]) => ({ monday, items: list }));
}

export interface ParcelLike {
  weightKg: number;
  lengthCm?: number;
  widthCm?: number;
  heightCm?: number;
  description?: string;
}

/** The parcels of an order as the form's lines again: identical parcels make one line with a quantity. */
export function parcelsToLines(parcels: readonly ParcelLike[]): Array<{ presetId: null; description: string; quantity: number; weightKg: number; lengthCm: number | null; widthCm: number | null; heightCm: number | null }> {
  const lines: Array<{ presetId: null; description: string; quantity: number; weightKg: number; lengthCm: number | null; widthCm: number | null; heightCm: number | null }> = [];
  for (const parcel of parcels) {
    const line = { presetId: null, description: parcel.description ?? '', quantity: 1, weightKg: parcel.weightKg, lengthCm: parcel.lengthCm ?? null, widthCm: parcel.widthCm ?? null, heightCm: parcel.heightCm ?? null };
    const same = lines.find((other) => other.description === line.description && other.weightKg === line.weightKg && other.lengthCm === line.lengthCm && other.widthCm === line.widthCm && other.heightCm === line.heightCm);
    if (same) same.quantity += 1;
    else lines.push(line);
  }
  return lines;
}
