import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatEuros, formatRate, inferVatRate, invoiceTotals, vatFor, type RatedAmounts } from '../../shared/billing/money.js';
import { formatInvoiceNumber, invoiceSeries, parseInvoiceNumber } from '../../shared/billing/numbering.js';
import { addDays, parisDate, periodBounds, periodOf, previousPeriod, shiftPeriod } from '../../shared/billing/period.js';

const rates = fc.constantFrom(2000, 1000, 550, 210, 0);
const line = fc.record({ net: fc.integer({ min: 0, max: 1_000_000 }), rate: rates }).map(({ net, rate }): RatedAmounts => {
  const vat = vatFor(net, rate);
  return { net, vat, gross: net + vat, vatRateBasisPoints: rate };
});

describe('invoice totals', () => {
  it('always balance: net + VAT = gross, and totals = sums of the lines = sums of the VAT recap', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 300 }), (lines) => {
        const { total, vatBreakdown } = invoiceTotals(lines);
        const sum = (pick: (entry: RatedAmounts) => number) => lines.reduce((acc, entry) => acc + pick(entry), 0);
        expect(total.net + total.vat).toBe(total.gross);
        expect(total).toEqual({ currency: 'EUR', net: sum((entry) => entry.net), vat: sum((entry) => entry.vat), gross: sum((entry) => entry.gross) });
        expect(vatBreakdown.reduce((acc, rate) => acc + rate.net, 0)).toBe(total.net);
        expect(vatBreakdown.reduce((acc, rate) => acc + rate.vat, 0)).toBe(total.vat);
        expect(vatBreakdown.reduce((acc, rate) => acc + rate.gross, 0)).toBe(total.gross);
        for (const rate of vatBreakdown) expect(rate.net + rate.vat).toBe(rate.gross);
        expect(new Set(vatBreakdown.map((rate) => rate.vatRateBasisPoints)).size).toBe(vatBreakdown.length);
        for (const amount of [total.net, total.vat, total.gross]) expect(Number.isSafeInteger(amount)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a line whose gross is not net + VAT', () => {
    expect(() => invoiceTotals([{ net: 100, vat: 20, gross: 121, vatRateBasisPoints: 2000 }])).toThrow(RangeError);
  });

  it('finds the VAT rate a price was computed with', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), rates, (net, rate) => {
        const vat = vatFor(net, rate);
        // Several rates can give the same VAT on a small amount: whichever is found reproduces it.
        expect(vatFor(net, inferVatRate({ net, vat, gross: net + vat }, rate))).toBe(vat);
        expect(inferVatRate({ net, vat, gross: net + vat }, rate)).toBe(rate);
      }),
    );
    expect(inferVatRate({ net: 1000, vat: 200, gross: 1200 })).toBe(2000);
    expect(inferVatRate({ net: 1000, vat: 55, gross: 1055 })).toBe(550);
    expect(inferVatRate({ net: 1000, vat: 196, gross: 1196 })).toBe(1960);
  });
});

describe('euros for French files', () => {
  it('writes cents exactly with a decimal comma, and reads back to the same cents', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }), (cents) => {
        const text = formatEuros(cents);
        expect(text).toMatch(/^-?\d+,\d{2}$/);
        expect(Math.round(Number(text.replace(',', '.')) * 100)).toBe(cents);
      }),
    );
    expect(formatEuros(123456)).toBe('1234,56');
    expect(formatEuros(-5)).toBe('-0,05');
    expect(formatEuros(123456789, ' ')).toBe('1 234 567,89');
    expect(formatRate(2000)).toBe('20');
    expect(formatRate(550)).toBe('5,5');
    expect(formatRate(210)).toBe('2,1');
  });
});

describe('periods in Europe/Paris', () => {
  it('puts an instant in its Paris month, within that month\'s bounds', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (instant) => {
        const period = periodOf(instant);
        const { start, end } = periodBounds(period);
        expect(start.getTime()).toBeLessThanOrEqual(instant.getTime());
        expect(instant.getTime()).toBeLessThan(end.getTime());
        expect(periodOf(end)).toBe(shiftPeriod(period, 1));
      }),
    );
  });

  it('follows Paris, not UTC, at month ends and across DST', () => {
    expect(periodOf('2026-03-31T22:30:00Z')).toBe('2026-04'); // 00:30 in Paris (summer time)
    expect(periodOf('2026-01-31T22:59:59Z')).toBe('2026-01'); // 23:59:59 in Paris (winter time)
    expect(periodBounds('2026-03')).toEqual({ start: new Date('2026-02-28T23:00:00Z'), end: new Date('2026-03-31T22:00:00Z') });
    expect(previousPeriod(new Date('2026-04-01T00:00:00Z'))).toBe('2026-03'); // 02:00 Paris on the 1st
    expect(previousPeriod(new Date('2027-01-01T01:00:00Z'))).toBe('2026-12');
    expect(parisDate('2026-06-30T22:00:00Z')).toBe('2026-07-01');
    expect(addDays('2026-01-31', 30)).toBe('2026-03-02');
  });
});

describe('invoice numbers', () => {
  it('are one series per year of issue, zero-padded, and parse back', () => {
    expect(invoiceSeries('F', new Date('2026-12-31T23:30:00Z'))).toBe('F2027'); // already 2027 in Paris
    expect(formatInvoiceNumber('F2026', 123)).toBe('F2026-000123');
    expect(formatInvoiceNumber('F2026', 1_234_567)).toBe('F2026-1234567');
    expect(parseInvoiceNumber('F2026-000123')).toEqual({ series: 'F2026', sequence: 123 });
    expect(() => formatInvoiceNumber('F2026', 0)).toThrow(RangeError);
  });
});
