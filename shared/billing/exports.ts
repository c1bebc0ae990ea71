import { stringify } from 'csv-stringify/sync';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/language.js';
import type { Invoice, Reconciliation } from './schemas.js';
import { formatEuros, formatRate } from './money.js';
import { addDays, parisDate, periodBounds } from './period.js';

/**
 * The accountant's files. Spreadsheet CSVs are written for a French spreadsheet: `;` between
 * fields, a UTF-8 byte-order mark (so Excel reads the accents), CRLF line ends, euros with a
 * decimal comma and no thousands separator (so the cells are numbers, not text). Text cells that
 * a spreadsheet would take for a formula (`=`, `+`, `-`, `@`) are defused with a leading `'`.
 */
const spreadsheet = { delimiter: ';', bom: true, header: true, record_delimiter: 'windows' } as const;

function text(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export interface AccountingSettings {
  customerAccount: string;
  revenueAccount: string;
  vatAccount: string;
  journalCode: string;
  journalLabel: string;
  sellerSiret: string;
}

/** The 18 columns of the FEC, in order (article A47 A-1 of the Livre des procédures fiscales). */
export const FEC_COLUMNS = [
  'JournalCode',
  'JournalLib',
  'EcritureNum',
  'EcritureDate',
  'CompteNum',
  'CompteLib',
  'CompAuxNum',
  'CompAuxLib',
  'PieceRef',
  'PieceDate',
  'EcritureLib',
  'Debit',
  'Credit',
  'EcritureLet',
  'DateLet',
  'ValidDate',
  'Montantdevise',
  'Idevise',
] as const;

/** FEC fields may hold neither the separator nor line breaks (nor `|`, the other allowed separator). */
function fecText(value: string, max = 200): string {
  return value.replace(/[\t\r\n|]+/g, ' ').trim().slice(0, max);
}

const fecDate = (iso: string) => parisDate(iso).replaceAll('-', '');

/**
 * The sales journal of a period as a FEC: one entry per issued invoice (dated the day it was
 * issued, numbered with the invoice number), debiting the customer account (auxiliary account =
 * the tenant) with the gross and crediting revenue with the net and output VAT with the VAT, per
 * VAT rate. Each entry balances because an invoice's gross is the sum of its nets and VATs.
 * Voided invoices stay: an issued invoice is an accounting fact (voiding calls for a credit note).
 */
export function fecRows(invoices: readonly Invoice[], settings: AccountingSettings): string[][] {
  const rows: string[][] = [];
  const issued = invoices.filter((invoice) => invoice.status !== 'draft' && invoice.number !== null && invoice.issuedAt !== null);
  issued.sort((a, b) => (a.issuedAt as string).localeCompare(b.issuedAt as string) || (a.number as string).localeCompare(b.number as string));
  for (const invoice of issued) {
    const number = invoice.number as string;
    const date = fecDate(invoice.issuedAt as string);
    const customer = invoice.buyer?.name ?? invoice.tenantId;
    const label = fecText(`Facture ${number} ${customer}`);
    const row = (account: string, accountLabel: string, auxiliary: [string, string] | undefined, debit: number, credit: number, lineLabel = label) => [
      settings.journalCode,
      fecText(settings.journalLabel),
      number,
      date,
      account,
      fecText(accountLabel),
      auxiliary ? fecText(auxiliary[0], 40) : '',
      auxiliary ? fecText(auxiliary[1]) : '',
      number,
      date,
      lineLabel,
      formatEuros(debit),
      formatEuros(credit),
      '',
      '',
      date,
      '',
      '',
    ];
    rows.push(row(settings.customerAccount, 'Clients', [invoice.tenantId, customer], invoice.total.gross, 0));
    for (const rate of invoice.vatBreakdown) {
      const suffix = ` TVA ${formatRate(rate.vatRateBasisPoints)} %`;
      rows.push(row(settings.revenueAccount, 'Prestations de services', undefined, 0, rate.net, fecText(`${label}${suffix}`)));
      if (rate.vat !== 0) rows.push(row(settings.vatAccount, 'TVA collectée', undefined, 0, rate.vat, fecText(`${label}${suffix}`)));
    }
  }
  return rows;
}

export function fecFile(invoices: readonly Invoice[], settings: AccountingSettings): string {
  return stringify([[...FEC_COLUMNS], ...fecRows(invoices, settings)], { delimiter: '\t', quote: false, record_delimiter: 'windows' });
}

/** `<SIREN>FEC<closing date>.txt`, the name the tax administration expects. */
export function fecFileName(period: string, settings: AccountingSettings): string {
  const siren = settings.sellerSiret.replace(/\D/g, '').slice(0, 9).padEnd(9, '0');
  const closing = addDays(parisDate(periodBounds(period).end), -1).replaceAll('-', '');
  return `${siren}FEC${closing}.txt`;
}

export function invoiceLinesCsv(invoices: readonly Invoice[]): string {
  const records = invoices
    .filter((invoice) => invoice.status !== 'draft')
    .sort((a, b) => (a.number ?? '').localeCompare(b.number ?? ''))
    .flatMap((invoice) =>
      invoice.lines.map((line) => ({
        number: invoice.number,
        issuedOn: invoice.issuedAt ? parisDate(invoice.issuedAt) : '',
        dueDate: invoice.dueDate ?? '',
        status: invoice.status,
        customer: text(invoice.buyer?.name ?? ''),
        tenantId: invoice.tenantId,
        deliveryId: line.deliveryId,
        kind: line.kind,
        description: text(line.description),
        reference: text(line.reference),
        occurredOn: parisDate(line.occurredAt),
        rate: formatRate(line.vatRateBasisPoints),
        net: formatEuros(line.net),
        vat: formatEuros(line.vat),
        gross: formatEuros(line.gross),
      })),
    );
  return stringify(records, {
    ...spreadsheet,
    columns: [
      { key: 'number', header: 'Numéro de facture' },
      { key: 'issuedOn', header: 'Date de facture' },
      { key: 'dueDate', header: 'Échéance' },
      { key: 'status', header: 'Statut' },
      { key: 'customer', header: 'Client' },
      { key: 'tenantId', header: 'Identifiant client' },
      { key: 'deliveryId', header: 'Livraison' },
      { key: 'kind', header: 'Nature' },
      { key: 'description', header: 'Libellé' },
      { key: 'reference', header: 'Référence' },
      { key: 'occurredOn', header: 'Date de prestation' },
      { key: 'rate', header: 'Taux TVA (%)' },
      { key: 'net', header: 'Montant HT (€)' },
      { key: 'vat', header: 'TVA (€)' },
      { key: 'gross', header: 'Montant TTC (€)' },
    ],
  });
}

/**
 * The reconciliation's columns, in this order whatever the language: a person reads the header
 * row, a program the position (the JSON keeps the field names).
 */
const reconciliationColumns = [
  { key: 'period', fr: 'Période', en: 'Period' },
  { key: 'tenantId', fr: 'Identifiant client', en: 'Tenant ID' },
  { key: 'tenantName', fr: 'Client', en: 'Tenant' },
  { key: 'deliveredCount', fr: 'Livraisons livrées', en: 'Deliveries delivered' },
  { key: 'cancellationFeeCount', fr: "Frais d'annulation", en: 'Cancellation fees' },
  { key: 'expectedAmount', fr: 'Montant attendu (€)', en: 'Expected amount (EUR)' },
  { key: 'ledgerCount', fr: 'Lignes au grand livre', en: 'Ledger lines' },
  { key: 'billedCount', fr: 'Lignes facturées', en: 'Lines billed' },
  { key: 'billedAmount', fr: 'Montant facturé (€)', en: 'Amount billed (EUR)' },
  { key: 'invoiceCount', fr: 'Factures', en: 'Invoices' },
  { key: 'invoicedAmount', fr: 'Montant des factures (€)', en: 'Amount invoiced (EUR)' },
  { key: 'paidAmount', fr: 'Montant payé (€)', en: 'Amount paid (EUR)' },
  { key: 'kind', fr: 'Écart', en: 'Discrepancy' },
  { key: 'deliveryId', fr: 'Livraison', en: 'Delivery' },
  { key: 'invoiceId', fr: 'Facture', en: 'Invoice' },
  { key: 'detail', fr: 'Détail', en: 'Detail' },
] as const;

/** The reconciliation as rows: one per discrepancy, or one per tenant that has none; headers in `language`. */
export function reconciliationCsv(reconciliation: Reconciliation, language: Language = DEFAULT_LANGUAGE): string {
  const records = reconciliation.tenants.flatMap((tenant) => {
    const base = {
      period: reconciliation.period,
      tenantId: tenant.tenantId,
      tenantName: text(tenant.tenantName),
      deliveredCount: tenant.deliveredCount,
      cancellationFeeCount: tenant.cancellationFeeCount,
      expectedAmount: formatEuros(tenant.expectedAmount),
      ledgerCount: tenant.ledgerCount,
      billedCount: tenant.billedCount,
      billedAmount: formatEuros(tenant.billedAmount),
      invoiceCount: tenant.invoiceCount,
      invoicedAmount: formatEuros(tenant.invoicedAmount),
      paidAmount: formatEuros(tenant.paidAmount),
    };
    if (tenant.discrepancies.length === 0) return [{ ...base, kind: '', deliveryId: '', invoiceId: '', detail: '' }];
    return tenant.discrepancies.map((discrepancy) => ({ ...base, kind: discrepancy.kind, deliveryId: discrepancy.deliveryId ?? '', invoiceId: discrepancy.invoiceId ?? '', detail: text(discrepancy.detail) }));
  });
  return stringify(records, {
    ...spreadsheet,
    columns: reconciliationColumns.map((column) => ({ key: column.key, header: column[language] })),
  });
}
