import { deliveryRepository } from '../deliveries/repository.js';
import type { Delivery } from '../deliveries/schemas.js';
import { tenantRepository } from '../tenants/repository.js';
import type { Tenant } from '../tenants/schemas.js';
import { mapLimit } from './concurrency.js';
import { billableLinesFor, type BillableLine } from './ledger.js';
import { formatEuros, invoiceTotals } from './money.js';
import { parisDate, periodBounds } from './period.js';
import { billingRepository } from './repository.js';
import type { CreditNote, Discrepancy, InvoiceRecord, Reconciliation, TenantReconciliation } from './schemas.js';
import { isOverdue, settlementOf } from './settlement.js';
import { allPages } from '../db/pagination.js';

/**
 * How far before a period a delivery may have been booked and still be delivered in it. The
 * deliveries of a status are indexed by id, and ids sort by booking time, so this bounds the
 * Query instead of reading a tenant's whole history.
 */
export const BOOKING_LOOKBACK_DAYS = 400;

export interface TenantBooks {
  tenant: Pick<Tenant, 'id' | 'name'>;
  /** What the deliveries say should be billed in the period (the source of truth). */
  expected: readonly BillableLine[];
  /** What the ledger recorded. */
  lines: readonly BillableLine[];
  invoices: readonly InvoiceRecord[];
  /** The credit notes of those invoices. */
  creditNotes?: readonly CreditNote[];
}

const euros = (cents: number) => `${formatEuros(cents)} €`;

/**
 * Compares, for one tenant and period, the deliveries with the ledger, the ledger with the
 * invoices, and the invoices with Stripe. Pure: every discrepancy is listed with what it is
 * about, so the accountant can act on each.
 */
export function reconcileTenant(books: TenantBooks, today: string): TenantReconciliation {
  const found: Array<Omit<Discrepancy, 'action' | 'resolution'>> = [];
  const discrepancies = { push: (entry: Omit<Discrepancy, 'action' | 'resolution'>) => found.push(entry) };
  const lines = new Map(books.lines.map((line) => [line.id, line]));
  const invoices = new Map(books.invoices.map((invoice) => [invoice.id, invoice]));
  const issued = books.invoices.filter((invoice) => invoice.status !== 'draft');
  const expectedIds = new Set(books.expected.map((line) => line.id));

  for (const expected of books.expected) {
    const line = lines.get(expected.id);
    const about = { deliveryId: expected.deliveryId };
    const what = expected.kind === 'delivery' ? 'Delivered' : 'Cancellation fee';
    if (!line) {
      discrepancies.push({ kind: 'delivered_not_billed', ...about, detail: `${what} on ${expected.occurredAt} but not in the ledger: the billing-ledger consumer has not recorded it.` });
      continue;
    }
    if (line.net !== expected.net || line.vat !== expected.vat || line.gross !== expected.gross) {
      discrepancies.push({ kind: 'amount_mismatch', ...about, detail: `The ledger has ${euros(line.gross)} gross; the delivery says ${euros(expected.gross)}.` });
    }
    if (line.invoiceId === undefined) {
      discrepancies.push({ kind: 'delivered_not_billed', ...about, detail: `${what} on ${expected.occurredAt}, in the ledger, on no invoice yet: run billing for the period.` });
      continue;
    }
    const invoice = invoices.get(line.invoiceId);
    if (!invoice) discrepancies.push({ kind: 'delivered_not_billed', ...about, invoiceId: line.invoiceId, detail: `Claimed by invoice ${line.invoiceId}, which does not exist.` });
    else if (invoice.status === 'draft') discrepancies.push({ kind: 'delivered_not_billed', ...about, invoiceId: invoice.id, detail: `On draft invoice ${invoice.id}, not issued yet (the next run finishes it).` });
  }

  for (const line of books.lines) {
    if (!expectedIds.has(line.id)) {
      discrepancies.push({
        kind: 'billed_not_delivered',
        deliveryId: line.deliveryId,
        ...(line.invoiceId ? { invoiceId: line.invoiceId } : {}),
        detail: `The ledger has a ${line.kind.replace('_', ' ')} line of ${euros(line.gross)}, but the delivery is not ${line.kind === 'delivery' ? 'delivered' : 'cancelled with a fee'} in this period.`,
      });
    }
  }

  // Each line on one issued invoice: the invoices' own line lists against each other and
  // against the claims on the lines.
  const appearances = new Map<string, string[]>();
  for (const invoice of issued) for (const id of invoice.lineIds ?? []) appearances.set(id, [...(appearances.get(id) ?? []), invoice.id]);
  for (const [id, on] of appearances) {
    const claimedBy = lines.get(id)?.invoiceId;
    const all = [...new Set([...on, ...(claimedBy ? [claimedBy] : [])])];
    if (all.length > 1) {
      discrepancies.push({ kind: 'billed_twice', deliveryId: id.split(':')[0] as string, invoiceId: all[0] as string, detail: `Line ${id} is on invoices ${all.join(', ')}.` });
    }
  }

  for (const invoice of issued) {
    const claimed = books.lines.filter((line) => line.invoiceId === invoice.id);
    const { total } = invoiceTotals(claimed);
    const label = invoice.number ?? invoice.id;
    if (total.net !== invoice.total.net || total.vat !== invoice.total.vat || total.gross !== invoice.total.gross || claimed.length !== invoice.lineCount) {
      discrepancies.push({
        kind: 'invoice_total_mismatch',
        invoiceId: invoice.id,
        detail: `Invoice ${label} says ${invoice.lineCount} line(s), ${euros(invoice.total.gross)} gross; its lines sum to ${claimed.length} line(s), ${euros(total.gross)} gross.`,
      });
    } else if (invoice.total.net + invoice.total.vat !== invoice.total.gross) {
      discrepancies.push({ kind: 'invoice_total_mismatch', invoiceId: invoice.id, detail: `Invoice ${label}: net + VAT is not gross.` });
    }
    if (invoice.status === 'void') discrepancies.push({ kind: 'invoice_voided', invoiceId: invoice.id, detail: `Invoice ${label} was voided in Stripe: its lines stay billed on it; issue a credit note and bill them again.` });
    const stripe = invoice.stripe;
    if (invoice.provider === 'stripe' && stripe) {
      if (stripe.syncStatus !== 'synced') {
        discrepancies.push({ kind: 'stripe_not_synced', invoiceId: invoice.id, detail: `Invoice ${label} is not in Stripe yet (${stripe.syncStatus}${stripe.syncError ? `: ${stripe.syncError}` : ''}).` });
      }
      if (stripe.total !== null && stripe.total !== invoice.total.gross) {
        discrepancies.push({ kind: 'stripe_amount_mismatch', invoiceId: invoice.id, detail: `Stripe's total is ${euros(stripe.total)}; the ledger's is ${euros(invoice.total.gross)}.` });
      }
      if (stripe.status === 'paid' && stripe.amountPaid !== null && stripe.amountPaid !== invoice.total.gross) {
        discrepancies.push({ kind: 'stripe_amount_mismatch', invoiceId: invoice.id, detail: `Stripe received ${euros(stripe.amountPaid)}; the invoice is ${euros(invoice.total.gross)}.` });
      }
    }
    if (isOverdue(invoice, today)) {
      discrepancies.push({ kind: 'overdue', invoiceId: invoice.id, detail: `Invoice ${label} (${euros(invoice.total.gross)}) was due on ${invoice.dueDate}; ${euros(settlementOf(invoice).amountDue)} is still owed.` });
    }
    const { paidAmount, creditedAmount } = settlementOf(invoice);
    if (invoice.status !== 'void' && paidAmount + creditedAmount > invoice.total.gross) {
      discrepancies.push({ kind: 'overpaid', invoiceId: invoice.id, detail: `Invoice ${label} is ${euros(invoice.total.gross)}; ${euros(paidAmount)} paid and ${euros(creditedAmount)} credited: ${euros(paidAmount + creditedAmount - invoice.total.gross)} too much.` });
    }
  }
  for (const note of books.creditNotes ?? []) {
    if (note.stripe && note.stripe.syncStatus !== 'synced') {
      discrepancies.push({ kind: 'credit_note_not_synced', invoiceId: note.invoiceId, detail: `Credit note ${note.number} is not in Stripe yet (${note.stripe.syncStatus}${note.stripe.syncError ? `: ${note.stripe.syncError}` : ''}).` });
    }
  }

  const billed = books.lines.filter((line) => line.invoiceId !== undefined && invoices.get(line.invoiceId) !== undefined && invoices.get(line.invoiceId)?.status !== 'draft');
  const counted = issued.filter((invoice) => invoice.status !== 'void');
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return {
    tenantId: books.tenant.id,
    tenantName: books.tenant.name,
    deliveredCount: books.expected.filter((line) => line.kind === 'delivery').length,
    cancellationFeeCount: books.expected.filter((line) => line.kind === 'cancellation_fee').length,
    expectedAmount: sum(books.expected.map((line) => line.gross)),
    ledgerCount: books.lines.length,
    billedCount: billed.length,
    billedAmount: sum(billed.map((line) => line.gross)),
    invoiceCount: counted.length,
    invoicedAmount: sum(counted.map((invoice) => invoice.total.gross)),
    paidAmount: sum(issued.map(paidOn)),
    creditNoteCount: (books.creditNotes ?? []).length,
    creditedAmount: sum(issued.map((invoice) => invoice.creditedAmount ?? 0)),
    outstandingAmount: sum(counted.map((invoice) => settlementOf(invoice).amountDue)),
    discrepancies: found.map((entry) => ({ ...entry, ...resolutions[entry.kind] })),
  };
}

/** Cents received on an invoice: its payments; for one Stripe marked paid before payments were recorded, what Stripe received. */
function paidOn(invoice: InvoiceRecord): number {
  if (invoice.paidAmount !== undefined) return invoice.paidAmount;
  if (invoice.status !== 'paid') return 0;
  return invoice.stripe?.status === 'paid' && invoice.stripe.amountPaid !== null ? invoice.stripe.amountPaid : invoice.total.gross;
}

/** What resolves each kind of discrepancy. */
const resolutions: Record<Discrepancy['kind'], Pick<Discrepancy, 'action' | 'resolution'>> = {
  delivered_not_billed: { action: 'run_billing', resolution: 'Run billing for the period (POST /v1/billing/runs): it bills every line not on an invoice yet.' },
  billed_twice: { action: 'issue_credit_note', resolution: 'Issue a credit note for the line on the later invoice (POST /v1/billing/invoices/{id}/credit-notes).' },
  billed_not_delivered: { action: 'issue_credit_note', resolution: 'Check the delivery; if it was not delivered, credit its line (POST /v1/billing/invoices/{id}/credit-notes).' },
  amount_mismatch: { action: 'investigate_ledger', resolution: "Compare the delivery's price with the ledger line; credit the difference if the customer was overcharged." },
  invoice_total_mismatch: { action: 'investigate_ledger', resolution: "The invoice's totals differ from its lines: report it (a bug); credit and re-bill if the customer was sent a wrong total." },
  stripe_amount_mismatch: { action: 'investigate_ledger', resolution: 'Compare the invoice in Stripe with ours; credit the difference or record the missing payment.' },
  stripe_not_synced: { action: 'retry_stripe_push', resolution: 'Run billing for the period again: it asks for the stalled Stripe push to be resumed.' },
  invoice_voided: { action: 'issue_credit_note', resolution: 'Issue a credit note for the voided invoice, then bill its deliveries again.' },
  overdue: { action: 'send_reminder', resolution: 'Remind the customer (reminders go at due + 7 and + 21 days), or record the payment if it arrived (POST /v1/billing/invoices/{id}/payments).' },
  overpaid: { action: 'refund_customer', resolution: 'Refund the excess to the customer, or keep it against their next invoice.' },
  credit_note_not_synced: { action: 'wait', resolution: 'The push consumer mirrors it in Stripe shortly; if it failed, look at its error and issue it in Stripe by hand.' },
};

/** A tenant's deliveries in one status that may have ended in the period (bounded by booking time). */
async function deliveriesEndingIn(tenantId: string, status: 'delivered' | 'cancelled', period: string): Promise<Delivery[]> {
  const { start, end } = periodBounds(period);
  return deliveryRepository.listForTenantBookedBetween(tenantId, status, new Date(start.getTime() - BOOKING_LOOKBACK_DAYS * 86_400_000), end);
}

/** What the deliveries say a tenant owes for a period: the same rule the ledger consumer applies. */
export async function expectedLines(tenantId: string, period: string, now: Date): Promise<BillableLine[]> {
  const [delivered, cancelled] = await Promise.all([deliveriesEndingIn(tenantId, 'delivered', period), deliveriesEndingIn(tenantId, 'cancelled', period)]);
  return [
    ...delivered.flatMap((delivery) => billableLinesFor('delivery.delivered', delivery, 'expected', now)),
    ...cancelled.flatMap((delivery) => billableLinesFor('delivery.cancelled', delivery, 'expected', now)),
  ].filter((line) => line.period === period);
}

/** The period's reconciliation, every tenant with anything to show. */
export async function reconcile(period: string, now = new Date()): Promise<Reconciliation> {
  const tenants: Tenant[] = await allPages((page) => tenantRepository.list(page));
  const invoices = await billingRepository.listPeriodInvoices(period);
  const today = parisDate(now);
  const rows = await mapLimit(tenants, 4, async (tenant) => {
    const [expected, lines] = await Promise.all([expectedLines(tenant.id, period, now), billingRepository.listLines(tenant.id, period)]);
    const mine = invoices.filter((invoice) => invoice.tenantId === tenant.id);
    // The period index is eventually consistent: an invoice issued a moment ago is read directly.
    const known = new Set(mine.map((invoice) => invoice.id));
    for (const invoiceId of new Set(lines.flatMap((line) => (line.invoiceId && !known.has(line.invoiceId) ? [line.invoiceId] : [])))) {
      const invoice = await billingRepository.getInvoice(tenant.id, invoiceId);
      if (invoice) mine.push(invoice);
    }
    const creditNotes = (await Promise.all(mine.filter((invoice) => (invoice.creditedAmount ?? 0) > 0).map((invoice) => billingRepository.listInvoiceCreditNotes(tenant.id, invoice.id)))).flat();
    return reconcileTenant({ tenant, expected, lines, invoices: mine, creditNotes }, today);
  });
  const active = rows.filter((row) => row.deliveredCount + row.cancellationFeeCount + row.ledgerCount + row.invoiceCount > 0 || row.discrepancies.length > 0);
  return { object: 'reconciliation', period, generatedAt: now.toISOString(), clean: active.every((row) => row.discrepancies.length === 0), tenants: active };
}
