import type { BooksScope } from '../auth/access.js';
import { outboxEntry } from '../events/outbox.js';
import { newId } from '../ids.js';
import { pageOfList, type Page, type PageRequest } from '../db/pagination.js';
import { monthsSinceFirstTenant } from './period-listing.js';
import { paymentErrors, invoiceListErrors } from './errors.js';
import { billingEvents } from './events.js';
import { invoiceEventData, findReadableInvoice } from './invoices.js';
import { parisDate } from './period.js';
import { billingRepository as repository } from './repository.js';
import type { InvoiceRecord, Payment, PaymentMethod, RecordPaymentBody } from './schemas.js';
import { decidePayment, type SettlementChange } from './settlement.js';
import { statementRepository } from './repository.js';
import type { TransactItem } from '../db/items.js';

/** How often a payment re-reads and re-decides when the invoice changed under it. */
const MAX_SETTLEMENT_ATTEMPTS = 8;

export interface PaymentInput {
  amount: number;
  date: string;
  method: PaymentMethod;
  reference: string | null;
  source: Payment['source'];
  statementLineId: string | null;
}

/** The invoice after a settlement change, for the `invoice.paid` event. */
export function settledInvoice(invoice: InvoiceRecord, change: SettlementChange): InvoiceRecord {
  return { ...invoice, ...change.set };
}

/**
 * Records a payment on an invoice: decided from the invoice as read (never more than is owed),
 * written with the invoice's new figures in one transaction on the condition that nothing was
 * paid or credited meanwhile (else read again and decide again), with `payment.recorded` and,
 * when it covers the invoice, `invoice.paid`. `extra` joins the transaction (the statement line
 * a payment matches, on the condition that it is still unmatched).
 */
export async function applyPayment(invoiceId: string, tenantId: string | undefined, input: PaymentInput, now: Date, extra: (payment: Payment) => TransactItem[] = () => []): Promise<Payment> {
  for (let attempt = 0; attempt < MAX_SETTLEMENT_ATTEMPTS; attempt += 1) {
    const invoice = tenantId === undefined ? await repository.findInvoice(invoiceId) : await repository.getInvoice(tenantId, invoiceId);
    const change = decidePayment(invoice, invoiceId, input.amount, now);
    const record = invoice as InvoiceRecord;
    const payment: Payment = {
      id: newId('payment', now.getTime()),
      object: 'payment',
      invoiceId: record.id,
      invoiceNumber: record.number as string,
      tenantId: record.tenantId,
      amount: input.amount,
      method: input.method,
      date: input.date,
      reference: input.reference,
      source: input.source,
      statementLineId: input.statementLineId,
      createdAt: now.toISOString(),
    };
    const items = [repository.paymentItem(payment), outboxEntry(billingEvents.paymentRecorded, record.tenantId, payment, now).create, ...extra(payment)];
    if (change.becomesPaid) items.push(outboxEntry(billingEvents.invoicePaid, record.tenantId, invoiceEventData(settledInvoice(record, change)), now).create);
    const outcome = await repository.settle(record, change, items, payment);
    if (outcome.ok) return payment;
    if (!outcome.conflict) {
      // The statement line (item 3) was matched meanwhile by someone else.
      throw paymentErrors.error('invalid_transition', `Statement line ${input.statementLineId ?? ''} was matched to a payment meanwhile.`, { param: 'statementLineId' });
    }
  }
  throw paymentErrors.error('invalid_transition', `Invoice ${invoiceId} kept changing while the payment was recorded: try again.`);
}

/** `POST /v1/billing/invoices/{id}/payments`: a transfer, cheque, cash or direct debit received. */
export async function recordPayment(invoiceId: string, body: RecordPaymentBody, now = new Date()): Promise<Payment> {
  const today = parisDate(now);
  if (body.date !== undefined && body.date > today) throw paymentErrors.error('parameter_invalid', `date ${body.date} is in the future: record a payment once it is received.`, { param: 'date' });
  if (body.date !== undefined && body.date < '2000-01-01') throw paymentErrors.error('parameter_invalid', `date ${body.date} is too far in the past.`, { param: 'date' });
  if (body.statementLineId === undefined) {
    if (body.amount === undefined) throw paymentErrors.error('parameter_invalid', 'amount is required (cents received), unless the payment names a statement line (statementLineId).', { param: 'amount' });
    return applyPayment(invoiceId, undefined, { amount: body.amount, date: body.date ?? today, method: body.method, reference: body.reference ?? null, source: 'manual', statementLineId: null }, now);
  }
  // Matched by hand: a credit of an imported statement that the import could not match.
  const line = await statementRepository.getLine(body.statementLineId);
  if (!line) throw paymentErrors.notFound('statement line', body.statementLineId);
  if (line.amount <= 0) throw paymentErrors.error('parameter_invalid', `Statement line ${line.id} is a debit: only credits pay invoices.`, { param: 'statementLineId' });
  if (line.status !== 'unmatched') throw paymentErrors.error('invalid_transition', `Statement line ${line.id} is matched already (payment ${line.paymentIds.join(', ')}).`, { param: 'statementLineId' });
  const amount = body.amount ?? line.amount;
  if (amount !== line.amount) throw paymentErrors.error('parameter_invalid', `amount ${amount} is not the statement line's ${line.amount} cents: a statement line pays one invoice in full.`, { param: 'amount' });
  return applyPayment(
    invoiceId,
    undefined,
    { amount, date: body.date ?? line.bookingDate, method: body.method, reference: body.reference ?? line.reference ?? line.label.slice(0, 200), source: 'bank_statement', statementLineId: line.id },
    now,
    (payment) => [statementRepository.matchItem(line, [payment.id], [payment.invoiceId])],
  );
}

/** Payments the caller may read: one invoice's, a month's (hub), or a tenant's. */
export async function listPayments(scope: BooksScope, filter: { invoiceId?: string | undefined; period?: string | undefined; tenantId?: string | undefined }, page: PageRequest): Promise<Page<Payment>> {
  const tenantId = scope.kind === 'tenant' ? scope.tenantId : filter.tenantId;
  if (scope.kind === 'tenant' && filter.tenantId !== undefined && filter.tenantId !== scope.tenantId) {
    throw invoiceListErrors.error('parameter_invalid', "tenantId: a tenant's key lists its own tenant's payments only.", { param: 'tenantId' });
  }
  if (filter.invoiceId !== undefined) {
    const invoice = await findReadableInvoice(scope, filter.invoiceId);
    const all = await repository.listInvoicePayments(invoice.tenantId, invoice.id);
    return { data: all.filter((payment) => filter.period === undefined || payment.date.startsWith(filter.period as string)), hasMore: false, nextCursor: null };
  }
  if (tenantId !== undefined) {
    const result = await repository.listPaymentsPage({ tenantId }, page);
    return filter.period === undefined ? result : { ...result, data: result.data.filter((payment) => payment.date.startsWith(filter.period as string)) };
  }
  if (filter.period === undefined) {
    // The hub's, every month: newest first.
    const all = (await Promise.all((await monthsSinceFirstTenant()).map((period) => repository.listPeriodPayments(period)))).flat();
    all.sort((a, b) => b.date.localeCompare(a.date) || b.id.localeCompare(a.id));
    return pageOfList(all, page, (payment) => `${payment.date}#${payment.id}`, async (payments) => payments, true);
  }
  return repository.listPaymentsPage({ period: filter.period }, page);
}
