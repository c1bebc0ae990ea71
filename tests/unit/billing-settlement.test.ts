import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BillableLine } from '../../shared/billing/ledger.js';
import { invoiceTotals, vatFor } from '../../shared/billing/money.js';
import { reminderDue } from '../../shared/billing/reminders.js';
import type { InvoiceRecord } from '../../shared/billing/schemas.js';
import { decideCreditNote, decidePayment, isOverdue, settlementOf, splitGross } from '../../shared/billing/settlement.js';
import { AppError } from '../../shared/errors.js';

const now = new Date('2026-05-10T10:00:00.000Z');
const rates = [2000, 1000, 550, 210, 0];

function lineOf(index: number, net: number, rate: number): BillableLine {
  const vat = vatFor(net, rate);
  return {
    id: `dlv_${index}:delivery`,
    tenantId: 'ten_1',
    period: '2026-04',
    deliveryId: `dlv_${index}`,
    kind: 'delivery',
    description: `Livraison ${index}`,
    reference: null,
    occurredAt: '2026-04-10T10:00:00.000Z',
    vatRateBasisPoints: rate,
    net,
    vat,
    gross: net + vat,
    eventId: 'evt',
    recordedAt: '2026-04-10T10:00:00.000Z',
    invoiceId: 'inv_1',
  };
}

function invoiceOf(lines: BillableLine[], overrides: Partial<InvoiceRecord> = {}): InvoiceRecord {
  const { total, vatBreakdown } = invoiceTotals(lines);
  return {
    id: 'inv_1',
    object: 'invoice',
    number: 'F2026-000001',
    tenantId: 'ten_1',
    period: '2026-04',
    runId: 'run_1',
    status: 'open',
    provider: 'ledger',
    total,
    vatBreakdown,
    lineCount: lines.length,
    issuedAt: '2026-05-01T00:00:00.000Z',
    dueDate: '2026-05-31',
    paidAt: null,
    voidedAt: null,
    seller: null,
    buyer: null,
    stripe: null,
    createdAt: '2026-05-01T00:00:00.000Z',
    updatedAt: '2026-05-01T00:00:00.000Z',
    ...overrides,
  };
}

const arbitraryLines = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 50_000 }), fc.constantFrom(...rates)), { minLength: 1, maxLength: 12 })
  .map((entries) => entries.map(([net, rate], index) => lineOf(index, net, rate)));

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
  return 'ok';
};

describe('payments', () => {
  it('never let what is paid exceed the total, and make the invoice paid exactly when covered (property)', () => {
    fc.assert(
      fc.property(arbitraryLines, fc.array(fc.integer({ min: 1, max: 200_000 }), { maxLength: 15 }), (lines, amounts) => {
        let invoice = invoiceOf(lines);
        for (const amount of amounts) {
          const due = settlementOf(invoice).amountDue;
          if (amount > due) {
            expect(code(() => decidePayment(invoice, invoice.id, amount, now))).toBe('amount_too_large');
            continue;
          }
          const change = decidePayment(invoice, invoice.id, amount, now);
          invoice = { ...invoice, ...change.set };
          expect(invoice.paidAmount).toBeLessThanOrEqual(invoice.total.gross);
          expect(invoice.status === 'paid').toBe(invoice.paidAmount === invoice.total.gross);
          expect(change.becomesPaid).toBe(invoice.status === 'paid' && due === amount);
        }
        expect(settlementOf(invoice).amountDue).toBe(invoice.total.gross - (invoice.paidAmount ?? 0));
      }),
    );
  });

  it('refuse amounts that are not positive whole cents, and invoices that are drafts, void or missing', () => {
    const invoice = invoiceOf([lineOf(1, 1000, 2000)]);
    for (const amount of [0, -1, 1.5, Number.NaN]) expect(code(() => decidePayment(invoice, invoice.id, amount, now))).toBe('parameter_invalid');
    for (const status of ['draft', 'void'] as const) expect(code(() => decidePayment({ ...invoice, status }, invoice.id, 100, now))).toBe('resource_missing');
    expect(code(() => decidePayment(undefined, 'inv_x', 100, now))).toBe('resource_missing');
  });
});

describe('credit notes', () => {
  it('credit each line at most its gross, split every part into net + VAT that sum to it, and cover the invoice when all is credited (property)', () => {
    fc.assert(
      fc.property(arbitraryLines, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 80_000 })), { maxLength: 10 }), (lines, requests) => {
        let invoice = invoiceOf(lines);
        for (const [pick, amount] of requests) {
          const line = lines[pick % lines.length] as BillableLine;
          const left = line.gross - (invoice.creditedLines?.[line.id] ?? 0);
          const request = { reason: 'r', lines: [{ lineId: line.id, amount }] };
          if (amount > left) {
            expect(code(() => decideCreditNote(invoice, invoice.id, lines, request, now))).toBe('amount_too_large');
            continue;
          }
          const decision = decideCreditNote(invoice, invoice.id, lines, request, now);
          for (const credited of decision.lines) expect(credited.net + credited.vat).toBe(credited.gross);
          expect(decision.total.gross).toBe(amount);
          invoice = { ...invoice, ...decision.change.set };
          for (const each of lines) expect(invoice.creditedLines?.[each.id] ?? 0).toBeLessThanOrEqual(each.gross);
        }
        const rest = settlementOf(invoice);
        if (rest.creditedAmount < invoice.total.gross) {
          const all = decideCreditNote(invoice, invoice.id, lines, { reason: 'rest' }, now);
          expect(all.total.gross).toBe(invoice.total.gross - rest.creditedAmount);
          expect(all.change.set.status).toBe('paid');
          invoice = { ...invoice, ...all.change.set };
        }
        expect(code(() => decideCreditNote(invoice, invoice.id, lines, { reason: 'again' }, now))).toBe('amount_too_large');
      }),
    );
  });

  it('keep a whole line its own net and VAT; split a part at its rate, half up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.constantFrom(...rates), (gross, rate) => {
        const { net, vat } = splitGross(gross, rate);
        expect(net + vat).toBe(gross);
        // The net is the one whose VAT, added back, comes nearest to the gross.
        expect(Math.abs(net * (10_000 + rate) - gross * 10_000)).toBeLessThanOrEqual((10_000 + rate) / 2);
      }),
    );
    const line = lineOf(1, 650, 2000);
    const whole = decideCreditNote(invoiceOf([line]), 'inv_1', [line], { reason: 'r' }, now);
    expect(whole.lines[0]).toMatchObject({ net: 650, vat: 130, gross: 780 });
  });

  it('refuse a line that is not on the invoice, or named twice', () => {
    const lines = [lineOf(1, 650, 2000), lineOf(2, 650, 2000)];
    const invoice = invoiceOf(lines);
    expect(code(() => decideCreditNote(invoice, invoice.id, lines, { reason: 'r', lines: [{ lineId: 'nope' }] }, now))).toBe('parameter_invalid');
    expect(code(() => decideCreditNote(invoice, invoice.id, lines, { reason: 'r', lines: [{ lineId: lines[0]!.id }, { lineId: lines[0]!.id }] }, now))).toBe('parameter_invalid');
    expect(code(() => decideCreditNote({ ...invoice, status: 'void' }, invoice.id, lines, { reason: 'r' }, now))).toBe('resource_missing');
  });
});

describe('follow-up', () => {
  const invoice = invoiceOf([lineOf(1, 1000, 2000)], { dueDate: '2026-05-01' });

  it('is overdue only while open, owed and past its due date', () => {
    expect(isOverdue(invoice, '2026-05-01')).toBe(false);
    expect(isOverdue(invoice, '2026-05-02')).toBe(true);
    expect(isOverdue({ ...invoice, paidAmount: invoice.total.gross }, '2026-05-02')).toBe(false);
    expect(isOverdue({ ...invoice, status: 'paid' }, '2026-05-02')).toBe(false);
  });

  it('reminds at due + 7, then due + 21, each step once and in order', () => {
    expect(reminderDue(invoice, '2026-05-07')).toBeUndefined();
    expect(reminderDue(invoice, '2026-05-08')).toBe('first');
    expect(reminderDue({ ...invoice, remindersSent: ['first'] }, '2026-05-21')).toBeUndefined();
    expect(reminderDue({ ...invoice, remindersSent: ['first'] }, '2026-05-22')).toBe('second');
    expect(reminderDue(invoice, '2026-06-30')).toBe('first');
    expect(reminderDue({ ...invoice, remindersSent: ['first', 'second'] }, '2026-06-30')).toBeUndefined();
  });
});
