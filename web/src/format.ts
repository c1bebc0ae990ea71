/**
 * Dates, times and amounts as people in France read them. Pure functions over Intl (no DOM), so
 * unit tests run them in Node. The API speaks UTC instants and integer cents; people read
 * Europe/Paris and euros with a decimal comma.
 *
 * Money is always in the French format ("1 234,50 €"), whatever the interface's language: the
 * invoices, the bank and the accountant all write it that way. Dates follow the language for
 * their words (mardi / Tuesday) but keep the French order (day, month, year) and the 24-hour
 * clock in English too (en-GB).
 */
export type Lang = 'fr' | 'en';

export const TIME_ZONE = 'Europe/Paris';

const locales: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function dateFormat(lang: Lang, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const id = `d:${lang}:${JSON.stringify(options)}`;
  let format = cache.get(id) as Intl.DateTimeFormat | undefined;
  if (!format) {
    format = new Intl.DateTimeFormat(locales[lang], { timeZone: TIME_ZONE, ...options });
    cache.set(id, format);
  }
  return format;
}
function numberFormat(id: string, locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let format = cache.get(id) as Intl.NumberFormat | undefined;
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(id, format);
  }
  return format;
}

/** Integer cents to "12,50 €" (French format, non-breaking spaces as Intl puts them). */
export function formatMoney(cents: number): string {
  if (!Number.isFinite(cents)) return '';
  return numberFormat('money', 'fr-FR', { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** Integer cents to what a money input shows: "12,50" (no currency, no thousands separator). */
export function centsToInput(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/**
 * What a person types as an amount in euros ("12,5", "12.50", "1 234,56 €", "12") to integer
 * cents, without floating-point arithmetic; null when it is not an amount (more than two decimals,
 * letters, empty).
 */
export function parseEuros(text: string): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f€]/g, '').replace(/^EUR|EUR$/i, '');
  const match = /^(-?)(\d+)(?:[.,](\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  const [, sign, units = '0', decimals = ''] = match;
  const cents = Number(units) * 100 + Number(decimals.padEnd(2, '0') || '0');
  if (!Number.isSafeInteger(cents)) return null;
  return sign === '-' ? -cents : cents;
}

/** An instant as a date in Paris: "3 mars 2026" / "3 March 2026". */
export function formatDate(iso: string, lang: Lang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return dateFormat(lang, { day: 'numeric', month: 'long', year: 'numeric' }).format(date);
}

/** An instant as a date and time in Paris: "3 mars 2026, 14:05" / "3 March 2026, 14:05". */
export function formatDateTime(iso: string, lang: Lang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return dateFormat(lang, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
}

/** An instant as a time in Paris: "14:05". */
export function formatTime(iso: string, lang: Lang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return dateFormat(lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
}

/**
 * A local Paris date (YYYY-MM-DD, as slots and periods give it) in words: "mardi 3 mars" /
 * "Tuesday 3 March" (with the year when `withYear`). Noon UTC is the same day in Paris in every
 * season, so the date never shifts.
 */
export function formatLocalDate(date: string, lang: Lang, withYear = false): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return date;
  const instant = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12));
  return dateFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', ...(withYear ? { year: 'numeric' } : {}) }).format(instant);
}

/** A period (YYYY-MM) in words: "mars 2026" / "March 2026". */
export function formatPeriod(period: string, lang: Lang): string {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  if (!match) return period;
  const instant = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 15, 12));
  return dateFormat(lang, { month: 'long', year: 'numeric' }).format(instant);
}

/** The Paris calendar date of an instant, as YYYY-MM-DD. */
export function parisDate(now: Date = new Date()): string {
  const parts = dateFormat('fr', { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The Paris month of an instant, as YYYY-MM (a billing period). */
export function parisMonth(now: Date = new Date()): string {
  return parisDate(now).slice(0, 7);
}

/** The month before a period: "2026-01" → "2025-12". */
export function previousMonth(period: string): string {
  const [year = 0, month = 1] = period.split('-').map(Number);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/** A local date plus some days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** The next `count` Paris dates, today first. */
export function nextDays(count: number, now: Date = new Date()): string[] {
  const today = parisDate(now);
  return Array.from({ length: count }, (_, index) => addDays(today, index));
}

/** Kilograms: "4,5 kg". */
export function formatKg(kg: number, lang: Lang): string {
  return `${numberFormat(`n1:${lang}`, lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 }).format(kg)} kg`;
}

/** Litres: "36 L". */
export function formatLitres(litres: number, lang: Lang): string {
  return `${numberFormat(`n0:${lang}`, lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 0 }).format(litres)} L`;
}

/** Metres as kilometres: "3,2 km". */
export function formatKm(meters: number, lang: Lang): string {
  return `${numberFormat(`n1:${lang}`, lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 }).format(meters / 1000)} km`;
}
