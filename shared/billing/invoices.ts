import { config } from '../config.js';
import { encodeLatin9 } from './latin9.js';
import { FEC_ENCODING, fecFile, fecFileName, invoiceLinesCsv, letteringCode } from './exports.js';
import type { BillableLine } from './ledger.js';
import { billingRepository as repository } from './repository.js';
import type { Invoice, InvoiceLine, InvoiceRecord } from './schemas.js';
import { invoiceErrors, invoiceListErrors } from './errors.js';
import type { BooksScope } from '../auth/access.js';
import { pageOfList, type Page } from '../db/pagination.js';
import { parisDate } from './period.js';
import { monthsSinceFirstTenant } from './period-listing.js';
import { tenantRepository } from '../tenants/repository.js';
import { isOverdue, settlementOf } from './settlement.js';
import type { InvoiceListStatus } from './schemas.js';


/**
 * Reading invoices: the public shape of a stored invoice, with its lines. Kept apart from the
 * billing run (`service.ts`, which resumes stalled Stripe pushes and so bundles the Stripe SDK):
 * the functions that only read invoices (get, list, export) import this module and never reach
 * `stripe`.
 */

function toLine(line: BillableLine): InvoiceLine {
  const { id, deliveryId, kind, description, reference, occurredAt, vatRateBasisPoints, net, vat, gross } = line;
  return { id, deliveryId, kind, description, reference, occurredAt, vatRateBasisPoints, net, vat, gross };
}

/** The public invoice: the stored record without its internal fields, with its lines. */
export function toInvoice(record: InvoiceRecord, lines: readonly BillableLine[], now = new Date()): Invoice {
  const { assembly: _assembly, lineIds: _lineIds, creditedLines: _creditedLines, settlementVersion: _settlementVersion, ...invoice } = record;
  void _assembly;
  void _lineIds;
  void _creditedLines;
  void _settlementVersion;
  const mine = lines.filter((line) => line.invoiceId === record.id).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
  const figures = settlementOf(record);
  return {
    ...invoice,
    ...figures,
    amountDue: record.status === 'draft' || record.status === 'void' ? 0 : figures.amountDue,
    overdue: isOverdue(record, parisDate(now)),
    remindersSent: record.remindersSent ?? [],
    lines: mine.map(toLine),
  };
}

export function invoiceEventData(record: InvoiceRecord): Omit<Invoice, 'lines'> {
  const { lines: _lines, ...rest } = toInvoice(record, []);
  void _lines;
  return rest;
}

/** Invoices with their lines: one consistent Query per tenant and period. */
export async function withLines(records: readonly InvoiceRecord[], now = new Date()): Promise<Invoice[]> {
  const groups = new Map<string, Promise<BillableLine[]>>();
  const linesOf = (record: InvoiceRecord) => {
    const key = `${record.tenantId}\n${record.period}`;
    let lines = groups.get(key);
    if (!lines) {
      lines = repository.listLines(record.tenantId, record.period);
      groups.set(key, lines);
    }
    return lines;
  };
  return Promise.all(records.map(async (record) => toInvoice(record, await linesOf(record), now)));
}

/** An invoice the caller may read: any for the hub's keys, their own tenant's for a tenant's keys; anything else is the same 404. */
export async function findReadableInvoice(scope: BooksScope, invoiceId: string): Promise<InvoiceRecord> {
  const record = scope.kind === 'tenant' ? await repository.getInvoice(scope.tenantId, invoiceId) : await repository.findInvoice(invoiceId);
  // Drafts are a run's work in progress: no one reads them as invoices.
  if (!record || record.status === 'draft') throw invoiceErrors.notFound('invoice', invoiceId);
  return record;
}

export async function getInvoice(scope: BooksScope, invoiceId: string): Promise<Invoice> {
  const [invoice] = await withLines([await findReadableInvoice(scope, invoiceId)]);
  return invoice as Invoice;
}

export interface InvoiceListFilter {
  period?: string | undefined;
  status?: InvoiceListStatus | undefined;
  tenantId?: string | undefined;
}

/**
 * A page of invoices. By period (all tenants, or one), optionally by status; `open` and
 * `overdue` need no period: they read the index of invoices still to be paid, by due date.
 * A tenant's keys list their own tenant's only (`tenantId` of another answers no invoice).
 */
export async function listInvoices(scope: BooksScope, filter: InvoiceListFilter, page: { limit: number; cursor?: string | undefined }, now = new Date()): Promise<Page<Invoice>> {
  const tenantId = scope.kind === 'tenant' ? scope.tenantId : filter.tenantId;
  if (scope.kind === 'tenant' && filter.tenantId !== undefined && filter.tenantId !== scope.tenantId) {
    throw invoiceListErrors.error('parameter_invalid', "tenantId: a tenant's key lists its own tenant's invoices only.", { param: 'tenantId' });
  }
  const { status } = filter;
  const today = parisDate(now);
  const keep = (record: InvoiceRecord) =>
    record.status !== 'draft' &&
    (tenantId === undefined || record.tenantId === tenantId) &&
    (filter.period === undefined || record.period === filter.period) &&
    (status === undefined || (status === 'overdue' ? isOverdue(record, today) : record.status === status));
  if (filter.period === undefined && status !== 'open' && status !== 'overdue') {
    // Every period, newest first: one Query per month since the tenant (or the first tenant) joined, at most five years.
    const tenant = tenantId !== undefined ? await tenantRepository.get(tenantId) : undefined;
    if (tenantId !== undefined && !tenant) return { data: [], hasMore: false, nextCursor: null };
    const periods = await monthsSinceFirstTenant(now, tenant?.createdAt);
    const found = (
      await Promise.all(periods.map((period) => (tenantId !== undefined ? repository.listTenantPeriodInvoices(tenantId, period) : repository.listPeriodInvoices(period))))
    )
      .flat()
      .filter(keep)
      .sort((a, b) => (b.issuedAt ?? '').localeCompare(a.issuedAt ?? '') || b.id.localeCompare(a.id));
    return pageOfList(found, page, (record) => `${record.issuedAt}#${record.id}`, (records) => withLines(records, now), true);
  }
  if (filter.period === undefined) {
    // Every invoice still to be paid, by due date: few by nature (what is paid leaves the index).
    const open = (await repository.listOpenInvoices()).filter(keep);
    return pageOfList(open, page, (record) => `${record.dueDate}#${record.id}`, (records) => withLines(records, now));
  }
  const result = await repository.listInvoicesPage(filter.period, tenantId, page);
  return { ...result, data: await withLines(result.data.filter(keep), now) };
}

/**
 * The period's books as a FEC: the invoices of the billing period (sales journal), the credit
 * notes issued and the payments received in the month (sales and bank journals), the customer
 * lines of every settled invoice lettered together; or the invoice lines as a CSV.
 */
export async function exportPeriod(period: string, format: 'fec' | 'csv'): Promise<{ body: string | Uint8Array; contentType: string; fileName: string }> {
  const records = (await repository.listPeriodInvoices(period)).filter((invoice) => invoice.status !== 'draft');
  const invoices = await withLines(records);
  const billing = config.billing;
  if (format === 'csv') return { body: invoiceLinesCsv(invoices), contentType: 'text/csv; charset=utf-8', fileName: `factures-${period}.csv` };
  const [creditNotes, payments] = await Promise.all([repository.listPeriodCreditNotes(period), repository.listPeriodPayments(period)]);
  const known = new Map<string, InvoiceRecord>(records.map((record) => [record.id, record]));
  for (const { tenantId, invoiceId } of [...creditNotes, ...payments]) {
    if (known.has(invoiceId)) continue;
    const record = await repository.getInvoice(tenantId, invoiceId);
    if (record) known.set(invoiceId, record);
  }
  const lettering = new Map<string, { code: string; date: string }>();
  const customers = new Map<string, string>();
  for (const record of known.values()) {
    if (record.buyer) customers.set(record.tenantId, record.buyer.name);
    if (record.status === 'paid' && record.number !== null) lettering.set(record.id, { code: letteringCode(record.number), date: parisDate(record.paidAt ?? record.updatedAt) });
  }
  const settings = { ...billing, sellerSiret: billing.seller.siret, sellerSiren: sellerSiren(billing.seller) };
  // Article A47 A-1 (III): ASCII, ISO 8859-15 or EBCDIC. ISO 8859-15 keeps French accents and the euro sign.
  const body = encodeLatin9(fecFile(invoices, settings, { creditNotes, payments, lettering, customers }));
  return { body, contentType: `text/plain; charset=${FEC_ENCODING}`, fileName: fecFileName(period, settings) };
}

function sellerSiren(seller: { siret: string; siren?: string | undefined }): string {
  return seller.siren ?? seller.siret.replace(/\D/g, '').slice(0, 9);
}
