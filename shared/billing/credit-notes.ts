import type { BooksScope } from '../auth/access.js';
import { config } from '../config.js';
import { pageOfList, type Page, type PageRequest } from '../db/pagination.js';
import { monthsSinceFirstTenant } from './period-listing.js';
import { outboxEntry } from '../events/outbox.js';
import { newId } from '../ids.js';
import { creditNoteErrors, invoiceListErrors } from './errors.js';
import { billingEvents } from './events.js';
import { findReadableInvoice, invoiceEventData } from './invoices.js';
import { creditNoteSeries } from './numbering.js';
import { periodOf } from './period.js';
import { settledInvoice } from './payments.js';
import { billingRepository as repository } from './repository.js';
import type { CreateCreditNoteBody, CreditNote, InvoiceRecord } from './schemas.js';
import { decideCreditNote } from './settlement.js';

const MAX_ATTEMPTS = 20;

/**
 * `POST /v1/billing/invoices/{id}/credit-notes`: credits the whole invoice (what is left of it)
 * or some lines, with a reason. Numbered in its own gapless yearly series (`A2026-000001`): the
 * counter, the credit note, the invoice's new figures and the `credit_note.issued` event are ONE
 * transaction, so no number is taken without its credit note and nothing is credited twice. A
 * credit note of a Stripe invoice is mirrored in Stripe by the push consumer, from that event.
 */
export async function issueCreditNote(invoiceId: string, body: CreateCreditNoteBody, now = new Date()): Promise<CreditNote> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const found = await repository.findInvoice(invoiceId);
    const lines = found ? await repository.listLines(found.tenantId, found.period) : [];
    const decision = decideCreditNote(found, invoiceId, lines, body, now);
    const invoice = found as InvoiceRecord;
    const id = newId('creditNote', now.getTime());
    const { number, issuedAt, take } = await repository.nextInSeries(creditNoteSeries(config.billing.creditNotePrefix, now), id, now);
    const note: CreditNote = {
      id,
      object: 'credit_note',
      number,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number as string,
      tenantId: invoice.tenantId,
      reason: body.reason,
      total: decision.total,
      vatBreakdown: decision.vatBreakdown,
      lines: decision.lines,
      issuedAt,
      seller: invoice.seller,
      buyer: invoice.buyer,
      stripe: invoice.provider === 'stripe' ? { syncStatus: 'pending', creditNoteId: null, syncError: null } : null,
      createdAt: now.toISOString(),
    };
    const items = [take, repository.creditNoteItem(note), outboxEntry(billingEvents.creditNoteIssued, invoice.tenantId, note, now).create];
    if (decision.change.becomesPaid) items.push(outboxEntry(billingEvents.invoicePaid, invoice.tenantId, invoiceEventData(settledInvoice(invoice, decision.change)), now).create);
    const outcome = await repository.settle(invoice, decision.change, items, note);
    if (outcome.ok) return note;
    // The invoice changed (another payment or credit) or the series moved: read again, decide again.
  }
  throw creditNoteErrors.error('invalid_transition', `Invoice ${invoiceId} kept changing while the credit note was issued: try again.`);
}

export async function getCreditNote(scope: BooksScope, id: string): Promise<CreditNote> {
  const note = await repository.findCreditNote(id);
  if (!note || (scope.kind === 'tenant' && note.tenantId !== scope.tenantId)) throw creditNoteErrors.notFound('credit note', id);
  return note;
}

export async function listCreditNotes(scope: BooksScope, filter: { invoiceId?: string | undefined; period?: string | undefined; tenantId?: string | undefined }, page: PageRequest): Promise<Page<CreditNote>> {
  const tenantId = scope.kind === 'tenant' ? scope.tenantId : filter.tenantId;
  if (scope.kind === 'tenant' && filter.tenantId !== undefined && filter.tenantId !== scope.tenantId) {
    throw invoiceListErrors.error('parameter_invalid', "tenantId: a tenant's key lists its own tenant's credit notes only.", { param: 'tenantId' });
  }
  const inPeriod = (note: CreditNote) => filter.period === undefined || periodOf(note.issuedAt) === filter.period;
  if (filter.invoiceId !== undefined) {
    const invoice = await findReadableInvoice(scope, filter.invoiceId);
    return { data: (await repository.listInvoiceCreditNotes(invoice.tenantId, invoice.id)).filter(inPeriod), hasMore: false, nextCursor: null };
  }
  if (tenantId !== undefined) {
    const result = await repository.listCreditNotesPage({ tenantId }, page);
    return { ...result, data: result.data.filter(inPeriod) };
  }
  if (filter.period === undefined) {
    // The hub's, every month: newest first.
    const all = (await Promise.all((await monthsSinceFirstTenant()).map((period) => repository.listPeriodCreditNotes(period)))).flat();
    all.sort((a, b) => b.issuedAt.localeCompare(a.issuedAt) || b.id.localeCompare(a.id));
    return pageOfList(all, page, (note) => `${note.issuedAt}#${note.id}`, async (notes) => notes, true);
  }
  return repository.listCreditNotesPage({ period: filter.period }, page);
}
