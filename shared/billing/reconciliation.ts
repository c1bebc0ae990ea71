import { deliveryRepository } from '../deliveries/repository.js';
import type { Delivery } from '../deliveries/schemas.js';
import { tenantRepository } from '../tenants/repository.js';
import type { Tenant } from '../tenants/schemas.js';
import { mapLimit } from './concurrency.js';
import { billableLinesFor, type BillableLine } from './ledger.js';
import { formatEuros, invoiceTotals } from './money.js';
import { parisDate, periodBounds } from './period.js';
import { billingRepository } from './repository.js';
import type { Discrepancy, InvoiceRecord, Reconciliation, TenantReconciliation } from './schemas.js';
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
}

const euros = (cents: number) => `${formatEuros(cents)} €`;

/**
 * Compares, for one tenant and period, the deliveries with the ledger, the ledger with the
 * invoices, and the invoices with Stripe. Pure: every discrepancy is listed with what it is
 * about, so the accountant can act on each.
 */
export function reconcileTenant(books: TenantBooks, today: string): TenantReconciliation {
  const discrepancies: Discrepancy[] = [];
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
    if ((invoice.status === 'open' || invoice.status === 'uncollectible') && invoice.dueDate !== null && invoice.dueDate < today) {
      discrepancies.push({ kind: 'overdue', invoiceId: invoice.id, detail: `Invoice ${label} (${euros(invoice.total.gross)}) was due on ${invoice.dueDate} and is ${invoice.status}.` });
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
    paidAmount: sum(issued.filter((invoice) => invoice.status === 'paid').map((invoice) => (invoice.stripe?.status === 'paid' && invoice.stripe.amountPaid !== null ? invoice.stripe.amountPaid : invoice.total.gross))),
    discrepancies,
  };
}

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
    return reconcileTenant({ tenant, expected, lines, invoices: mine }, today);
  });
  const active = rows.filter((row) => row.deliveredCount + row.cancellationFeeCount + row.ledgerCount + row.invoiceCount > 0 || row.discrepancies.length > 0);
  return { object: 'reconciliation', period, generatedAt: now.toISOString(), clean: active.every((row) => row.discrepancies.length === 0), tenants: active };
}
