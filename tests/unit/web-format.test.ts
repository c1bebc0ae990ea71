import { describe, expect, it } from 'vitest';
import {
  addDays,
  centsToInput,
  formatDate,
  formatDateTime,
  formatLocalDate,
  formatMoney,
  formatPeriod,
  formatTime,
  nextDays,
  parisDate,
  parisMonth,
  parseEuros,
  previousMonth,
} from '../../web/src/format.js';

/** Intl writes narrow no-break spaces in French numbers; compare with plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('the web app formats money in French, from integer cents', () => {
  it('writes euros with a decimal comma and spaces between thousands, whatever the language', () => {
    expect(plain(formatMoney(1250))).toBe('12,50 €');
    expect(plain(formatMoney(0))).toBe('0,00 €');
    expect(plain(formatMoney(123456789))).toBe('1 234 567,89 €');
    expect(plain(formatMoney(-500))).toBe('-5,00 €');
    expect(plain(formatMoney(1))).toBe('0,01 €');
  });

  it('reads what a person types as an amount into cents, without floating-point error', () => {
    expect(parseEuros('12,50')).toBe(1250);
    expect(parseEuros('12.5')).toBe(1250);
    expect(parseEuros('12')).toBe(1200);
    expect(parseEuros(' 1 234,56 € ')).toBe(123456);
    expect(parseEuros('1\u202f234,56\u00a0€')).toBe(123456);
    expect(parseEuros('0,07')).toBe(7);
    expect(parseEuros('19.99')).toBe(1999); // 19.99 * 100 is 1998.9999… in floating point
    expect(parseEuros('1,005')).toBeNull();
    expect(parseEuros('douze')).toBeNull();
    expect(parseEuros('')).toBeNull();
  });

  it('round-trips cents through the input format', () => {
    for (const cents of [0, 1, 99, 100, 1250, 123456, 9999999]) expect(parseEuros(centsToInput(cents))).toBe(cents);
    expect(centsToInput(1205)).toBe('12,05');
  });
});

describe('the web app shows instants in Europe/Paris time', () => {
  it('turns a UTC instant into the Paris date and time, in winter (UTC+1) and summer (UTC+2)', () => {
    expect(formatTime('2026-01-15T08:30:00.000Z', 'fr')).toBe('09:30');
    expect(formatTime('2026-07-15T08:30:00.000Z', 'fr')).toBe('10:30');
    expect(formatTime('2026-07-15T08:30:00.000Z', 'en')).toBe('10:30'); // 24-hour clock in English too
    expect(formatDate('2026-03-03T12:00:00.000Z', 'fr')).toBe('3 mars 2026');
    expect(formatDate('2026-03-03T12:00:00.000Z', 'en')).toBe('3 March 2026');
    expect(plain(formatDateTime('2026-03-03T13:05:00.000Z', 'fr'))).toMatch(/^3 mars 2026.*14:05$/);
  });

  it('puts an instant late in the UTC evening on the next Paris day', () => {
    expect(formatDate('2026-12-31T23:30:00.000Z', 'fr')).toBe('1 janvier 2027');
    expect(parisDate(new Date('2026-12-31T23:30:00.000Z'))).toBe('2027-01-01');
    expect(parisMonth(new Date('2026-12-31T23:30:00.000Z'))).toBe('2027-01');
    expect(parisDate(new Date('2026-06-30T22:30:00.000Z'))).toBe('2026-07-01');
    expect(parisDate(new Date('2026-06-30T21:30:00.000Z'))).toBe('2026-06-30');
  });

  it('writes local dates (slots, due dates) in words without shifting the day', () => {
    expect(formatLocalDate('2026-03-03', 'fr')).toBe('mardi 3 mars');
    expect(formatLocalDate('2026-03-03', 'en')).toBe('Tuesday 3 March');
    expect(formatLocalDate('2026-10-25', 'fr', true)).toBe('dimanche 25 octobre 2026'); // the day the clocks go back
    expect(formatPeriod('2026-03', 'fr')).toBe('mars 2026');
    expect(formatPeriod('2026-03', 'en')).toBe('March 2026');
  });

  it('counts days and months on the calendar', () => {
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(previousMonth('2026-10')).toBe('2026-09');
    const days = nextDays(14, new Date('2026-03-29T22:30:00.000Z')); // already the 30th in Paris (summer time began)
    expect(days).toHaveLength(14);
    expect(days[0]).toBe('2026-03-30');
    expect(days[13]).toBe('2026-04-12');
  });
});
