import { config } from '../config.js';
import { fecFile, fecFileName, invoiceLinesCsv } from './exports.js';
import type { BillableLine } from './ledger.js';
import { billingRepository as repository } from './repository.js';
import type { Invoice, InvoiceLine, InvoiceRecord } from './schemas.js';
import { invoiceErrors } from './errors.js';


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
export function toInvoice(record: InvoiceRecord, lines: readonly BillableLine[]): Invoice {
  const { assembly: _assembly, lineIds: _lineIds, ...invoice } = record;
  void _assembly;
  void _lineIds;
  const mine = lines.filter((line) => line.invoiceId === record.id).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
  return { ...invoice, lines: mine.map(toLine) };
}

export function invoiceEventData(record: InvoiceRecord): Omit<Invoice, 'lines'> {
  const { lines: _lines, ...rest } = toInvoice(record, []);
  void _lines;
  return rest;
}

/** Invoices with their lines: one consistent Query per tenant and period. */
export async function withLines(records: readonly InvoiceRecord[]): Promise<Invoice[]> {
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
  return Promise.all(records.map(async (record) => toInvoice(record, await linesOf(record))));
}

export async function getInvoice(invoiceId: string): Promise<Invoice> {
  const record = await repository.findInvoice(invoiceId);
  if (!record) throw invoiceErrors.notFound('invoice', invoiceId);
  const [invoice] = await withLines([record]);
  return invoice as Invoice;
}

export async function listInvoices(period: string, tenantId: string | undefined, page: { limit: number; cursor?: string | undefined }) {
  const result = await repository.listInvoicesPage(period, tenantId, page);
  return { ...result, data: await withLines(result.data) };
}

/** The period's issued invoices as a FEC (sales journal) or as a CSV of their lines. */
export async function exportPeriod(period: string, format: 'fec' | 'csv'): Promise<{ body: string; contentType: string; fileName: string }> {
  const records = (await repository.listPeriodInvoices(period)).filter((invoice) => invoice.status !== 'draft');
  const invoices = await withLines(records);
  const billing = config.billing;
  if (format === 'csv') return { body: invoiceLinesCsv(invoices), contentType: 'text/csv; charset=utf-8', fileName: `factures-${period}.csv` };
  const settings = { ...billing, sellerSiret: billing.seller.siret };
  return { body: fecFile(invoices, settings), contentType: 'text/plain; charset=utf-8', fileName: fecFileName(period, settings) };
}
