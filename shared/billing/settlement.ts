import { formatMoney, invoiceTotals, type Price, type VatBreakdownEntry } from './money.js';
import type { BillableLine } from './ledger.js';
import { creditNoteErrors, paymentErrors } from './errors.js';
import type { CreateCreditNoteBody, CreditNoteLine, InvoiceRecord, InvoiceStatus } from './schemas.js';

/**
 * What is paid and credited on an invoice, and what that makes of it. Pure: the services read
 * the invoice, decide here, and write the decision on the condition that nothing changed since
 * (`settlementVersion`). All amounts are integer cents.
 *
 * - An invoice is covered when its payments and credit notes reach its gross total; it is then
 *   `paid` (`paidAt` is when that happened), whatever mix of Stripe, transfers, cheques and
 *   credit notes made it so.
 * - A payment never exceeds what is still owed (overpayment is refused: the customer is told,
 *   the money is not taken).
 * - A credit note never credits a line beyond its gross (each line keeps what was credited of it).
 */

export interface SettlementFigures {
  paidAmount: number;
  creditedAmount: number;
  amountDue: number;
}

export function settlementOf(invoice: Pick<InvoiceRecord, 'total' | 'paidAmount' | 'creditedAmount'>): SettlementFigures {
  const paidAmount = invoice.paidAmount ?? 0;
  const creditedAmount = invoice.creditedAmount ?? 0;
  return { paidAmount, creditedAmount, amountDue: Math.max(0, invoice.total.gross - paidAmount - creditedAmount) };
}

/** Open (or given up on) with money still owed, and past its due date in Paris. */
export function isOverdue(invoice: Pick<InvoiceRecord, 'status' | 'dueDate' | 'total' | 'paidAmount' | 'creditedAmount'>, today: string): boolean {
  return (invoice.status === 'open' || invoice.status === 'uncollectible') && invoice.dueDate !== null && invoice.dueDate < today && settlementOf(invoice).amountDue > 0;
}

/** Statuses that take payments and credit notes: issued, not voided. */
const settleable: ReadonlySet<InvoiceStatus> = new Set(['open', 'uncollectible', 'paid']);

/** The fields a settlement change sets on the invoice, and whether it becomes paid with it. */
export interface SettlementChange {
  set: { paidAmount: number; creditedAmount: number; settlementVersion: number; status: InvoiceStatus; paidAt: string | null; updatedAt: string; creditedLines?: Record<string, number> };
  becomesPaid: boolean;
}

function settled(invoice: InvoiceRecord, paidAmount: number, creditedAmount: number, now: Date): SettlementChange {
  const covered = paidAmount + creditedAmount >= invoice.total.gross;
  const becomesPaid = covered && invoice.status !== 'paid';
  return {
    set: {
      paidAmount,
      creditedAmount,
      settlementVersion: (invoice.settlementVersion ?? 0) + 1,
      status: covered ? 'paid' : invoice.status,
      paidAt: becomesPaid ? now.toISOString() : invoice.paidAt,
      updatedAt: now.toISOString(),
    },
    becomesPaid,
  };
}

/** A payment of `amount` cents on `invoice`: the change it makes, or the error that refuses it. */
export function decidePayment(invoice: InvoiceRecord | undefined, invoiceId: string, amount: number, now: Date): SettlementChange {
  if (!invoice || !settleable.has(invoice.status)) throw paymentErrors.notFound('invoice', invoiceId);
  if (!Number.isSafeInteger(amount) || amount <= 0) throw paymentErrors.error('parameter_invalid', 'amount must be a whole number of cents, more than 0.', { param: 'amount' });
  const { paidAmount, creditedAmount, amountDue } = settlementOf(invoice);
  if (amount > amountDue) {
    const owed = amountDue === 0 ? 'nothing is owed on it any more' : `only ${formatMoney(amountDue)} is still owed on it`;
    throw paymentErrors.error('amount_too_large', `Invoice ${invoice.number ?? invoice.id} is ${formatMoney(invoice.total.gross)}, ${owed}: a payment of ${formatMoney(amount)} would overpay it. Record what was received up to what is owed, and refund the rest.`, {
      param: 'amount',
    });
  }
  return settled(invoice, paidAmount + amount, creditedAmount, now);
}

/** A payment Stripe reports (the invoice paid through Stripe): recorded as received, never refused. */
export function stripePaymentChange(invoice: InvoiceRecord, amount: number, now: Date): SettlementChange {
  const { paidAmount, creditedAmount } = settlementOf(invoice);
  return settled(invoice, paidAmount + amount, creditedAmount, now);
}

/** Gross `amount` of a line at `basisPoints`, split into net and VAT (net rounded half up, VAT the rest). */
export function splitGross(amount: number, basisPoints: number): { net: number; vat: number } {
  const net = Number((BigInt(amount) * 10_000n * 2n + BigInt(10_000 + basisPoints)) / (BigInt(10_000 + basisPoints) * 2n));
  return { net, vat: amount - net };
}

export interface CreditDecision {
  lines: CreditNoteLine[];
  total: Price;
  vatBreakdown: VatBreakdownEntry[];
  change: SettlementChange;
}

/**
 * The credit note a request makes: the lines asked (each by what remains of it to credit, or the
 * amount given), or every line with something left when no line is named.
 */
export function decideCreditNote(invoice: InvoiceRecord | undefined, invoiceId: string, invoiceLines: readonly BillableLine[], request: CreateCreditNoteBody, now: Date): CreditDecision {
  if (!invoice || !settleable.has(invoice.status)) throw creditNoteErrors.notFound('invoice', invoiceId);
  const mine = new Map(invoiceLines.filter((line) => line.invoiceId === invoice.id).map((line) => [line.id, line]));
  const already = invoice.creditedLines ?? {};
  const remaining = (line: BillableLine) => line.gross - (already[line.id] ?? 0);
  const asked = request.lines ?? [...mine.values()].filter((line) => remaining(line) > 0).map((line) => ({ lineId: line.id, amount: undefined }));
  if (asked.length === 0) throw creditNoteErrors.error('amount_too_large', `Invoice ${invoice.number ?? invoice.id} is credited in full already: nothing is left to credit.`);
  const seen = new Set<string>();
  const lines: CreditNoteLine[] = [];
  for (const [index, entry] of asked.entries()) {
    const line = mine.get(entry.lineId);
    if (!line) throw creditNoteErrors.error('parameter_invalid', `lines[${index}].lineId: invoice ${invoice.number ?? invoice.id} has no line ${entry.lineId}.`, { param: `lines.${index}.lineId` });
    if (seen.has(line.id)) throw creditNoteErrors.error('parameter_invalid', `lines[${index}].lineId: line ${line.id} is named twice.`, { param: `lines.${index}.lineId` });
    seen.add(line.id);
    const left = remaining(line);
    const amount = entry.amount ?? left;
    if (amount <= 0 || amount > left) {
      throw creditNoteErrors.error(
        'amount_too_large',
        left === 0 ? `Line ${line.id} is credited in full already.` : `Line ${line.id}: ${formatMoney(amount)} is more than the ${formatMoney(left)} left to credit on it (of ${formatMoney(line.gross)}).`,
        { param: `lines.${index}.amount` },
      );
    }
    // A whole line (nothing credited of it before) keeps its own split; a part is split at its rate.
    const { net, vat } = amount === line.gross ? { net: line.net, vat: line.vat } : splitGross(amount, line.vatRateBasisPoints);
    lines.push({ lineId: line.id, deliveryId: line.deliveryId, description: line.description, vatRateBasisPoints: line.vatRateBasisPoints, net, vat, gross: amount });
  }
  const { total, vatBreakdown } = invoiceTotals(lines);
  const { paidAmount, creditedAmount } = settlementOf(invoice);
  const change = settled(invoice, paidAmount, creditedAmount + total.gross, now);
  const creditedLines = { ...already };
  for (const line of lines) creditedLines[line.lineId] = (creditedLines[line.lineId] ?? 0) + line.gross;
  change.set.creditedLines = creditedLines;
  return { lines, total, vatBreakdown, change };
}
