import { stringify } from 'csv-stringify/sync';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/language.js';
import type { CreditNote, Invoice, Payment, Reconciliation } from './schemas.js';
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
  /** The SIREN the file is named after (else the SIRET's first 9 digits). */
  sellerSiren?: string | undefined;
  bankAccount?: string;
  bankJournalCode?: string;
  bankJournalLabel?: string;
}

/** What settles the invoices: credit notes (sales journal), payments (bank journal), and the lettering that ties them. */
export interface SettlementBooks {
  creditNotes: readonly CreditNote[];
  payments: readonly Payment[];
  /** Per settled invoice: the lettering code its customer lines share, and the day it was settled. */
  lettering: ReadonlyMap<string, { code: string; date: string }>;
  /** Customer names by tenant id (payments carry only the id). */
  customers: ReadonlyMap<string, string>;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * The lettering code of a settled invoice: its year's last two digits and its sequence in base
 * 26 (`F2026-000001` → `26A`, `F2026-000027` → `26BA`): unique per invoice, short, stable.
 */
export function letteringCode(invoiceNumber: string): string {
  const match = /(\d{4})-(\d+)$/.exec(invoiceNumber);
  if (!match) return invoiceNumber.replace(/[^A-Za-z0-9]/g, '').slice(-8);
  let sequence = Number(match[2]);
  let letters = '';
  do {
    letters = LETTERS[sequence % 26] + letters;
    sequence = Math.floor(sequence / 26);
  } while (sequence > 0);
  return `${(match[1] as string).slice(2)}${letters}`;
}

/** The FEC's character set: one the article allows (ASCII, ISO 8859-15, EBCDIC) with French accents and `€`. */
export const FEC_ENCODING = 'iso-8859-15';

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
export function fecRows(invoices: readonly Invoice[], settings: AccountingSettings, books?: SettlementBooks): string[][] {
  const rows: string[][] = [];
  const lettered = (invoiceId: string): [string, string] => {
    const entry = books?.lettering.get(invoiceId);
    return entry ? [entry.code, entry.date.replaceAll('-', '')] : ['', ''];
  };
  /** One entry's rows: the journal, its number and date, the piece it records. */
  const entry = (journal: [string, string], number: string, isoDate: string, piece: string) => {
    const date = fecDate(isoDate);
    return (account: string, accountLabel: string, auxiliary: [string, string] | undefined, debit: number, credit: number, lineLabel: string, letter: [string, string] = ['', '']) => [
      journal[0],
      fecText(journal[1]),
      number,
      date,
      account,
      fecText(accountLabel),
      auxiliary ? fecText(auxiliary[0], 40) : '',
      auxiliary ? fecText(auxiliary[1]) : '',
      piece,
      date,
      fecText(lineLabel),
      formatEuros(debit),
      formatEuros(credit),
      letter[0],
      letter[1],
      date,
      '',
      '',
    ];
  };
  const issued = invoices.filter((invoice) => invoice.status !== 'draft' && invoice.number !== null && invoice.issuedAt !== null);
  issued.sort((a, b) => (a.issuedAt as string).localeCompare(b.issuedAt as string) || (a.number as string).localeCompare(b.number as string));
  const sales: [string, string] = [settings.journalCode, settings.journalLabel];
  for (const invoice of issued) {
    const number = invoice.number as string;
    const customer = invoice.buyer?.name ?? invoice.tenantId;
    const label = `Facture ${number} ${customer}`;
    const row = entry(sales, number, invoice.issuedAt as string, number);
    rows.push(row(settings.customerAccount, 'Clients', [invoice.tenantId, customer], invoice.total.gross, 0, label, lettered(invoice.id)));
    for (const rate of invoice.vatBreakdown) {
      const suffix = ` TVA ${formatRate(rate.vatRateBasisPoints)} %`;
      rows.push(row(settings.revenueAccount, 'Prestations de services', undefined, 0, rate.net, `${label}${suffix}`));
      if (rate.vat !== 0) rows.push(row(settings.vatAccount, 'TVA collectée', undefined, 0, rate.vat, `${label}${suffix}`));
    }
  }
  if (!books) return rows;
  // Credit notes: the sales journal, the invoice's entry reversed (revenue and VAT debited, the customer credited).
  const notes = [...books.creditNotes].sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.number.localeCompare(b.number));
  for (const note of notes) {
    const customer = note.buyer?.name ?? books.customers.get(note.tenantId) ?? note.tenantId;
    const label = `Avoir ${note.number} ${customer} (facture ${note.invoiceNumber})`;
    const row = entry(sales, note.number, note.issuedAt, note.number);
    rows.push(row(settings.customerAccount, 'Clients', [note.tenantId, customer], 0, note.total.gross, label, lettered(note.invoiceId)));
    for (const rate of note.vatBreakdown) {
      const suffix = ` TVA ${formatRate(rate.vatRateBasisPoints)} %`;
      rows.push(row(settings.revenueAccount, 'Prestations de services', undefined, rate.net, 0, `${label}${suffix}`));
      if (rate.vat !== 0) rows.push(row(settings.vatAccount, 'TVA collectée', undefined, rate.vat, 0, `${label}${suffix}`));
    }
  }
  // Payments: the bank journal, the bank debited and the customer credited, one entry each, numbered in date order.
  const bank: [string, string] = [settings.bankJournalCode ?? 'BQ', settings.bankJournalLabel ?? 'Banque'];
  const received = [...books.payments].sort((a, b) => a.date.localeCompare(b.date) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  for (const [index, payment] of received.entries()) {
    const customer = books.customers.get(payment.tenantId) ?? payment.tenantId;
    const number = `${bank[0]}${payment.date.slice(0, 7).replace('-', '')}-${String(index + 1).padStart(4, '0')}`;
    const label = `Règlement ${payment.invoiceNumber} ${customer}${payment.reference ? ` ${payment.reference}` : ''}`;
    const row = entry(bank, number, `${payment.date}T12:00:00.000Z`, payment.invoiceNumber);
    rows.push(row(settings.bankAccount ?? '512', 'Banque', undefined, payment.amount, 0, label));
    rows.push(row(settings.customerAccount, 'Clients', [payment.tenantId, customer], 0, payment.amount, label, lettered(payment.invoiceId)));
  }
  return rows;
}

/**
 * The entries in chronological order (the administration reads a FEC in the order of its entry
 * dates), each entry's lines kept together and in their order; the sort is stable.
 */
export function chronological(rows: readonly string[][]): string[][] {
  const entries: string[][][] = [];
  for (const row of rows) {
    const last = entries.at(-1);
    if (last && last[0]?.[0] === row[0] && last[0]?.[2] === row[2]) last.push(row);
    else entries.push([row]);
  }
  return entries.map((entry, index) => ({ entry, index })).sort((a, b) => (a.entry[0]?.[3] as string).localeCompare(b.entry[0]?.[3] as string) || a.index - b.index).flatMap(({ entry }) => entry);
}

export function fecFile(invoices: readonly Invoice[], settings: AccountingSettings, books?: SettlementBooks): string {
  return stringify([[...FEC_COLUMNS], ...chronological(fecRows(invoices, settings, books))], { delimiter: '\t', quote: false, record_delimiter: 'windows' });
}

/** `<SIREN>FEC<closing date>.txt`, the name the tax administration expects. */
export function fecFileName(period: string, settings: AccountingSettings): string {
  const siren = (settings.sellerSiren ?? settings.sellerSiret).replace(/\D/g, '').slice(0, 9).padEnd(9, '0');
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
  { key: 'creditNoteCount', fr: 'Avoirs', en: 'Credit notes' },
  { key: 'creditedAmount', fr: 'Montant des avoirs (€)', en: 'Amount credited (EUR)' },
  { key: 'outstandingAmount', fr: 'Reste dû (€)', en: 'Amount outstanding (EUR)' },
  { key: 'action', fr: 'Action', en: 'Action' },
  { key: 'resolution', fr: 'Résolution', en: 'Resolution' },
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
      creditNoteCount: tenant.creditNoteCount,
      creditedAmount: formatEuros(tenant.creditedAmount),
      outstandingAmount: formatEuros(tenant.outstandingAmount),
    };
    if (tenant.discrepancies.length === 0) return [{ ...base, kind: '', deliveryId: '', invoiceId: '', detail: '', action: '', resolution: '' }];
    return tenant.discrepancies.map((discrepancy) => ({
      ...base,
      kind: discrepancy.kind,
      deliveryId: discrepancy.deliveryId ?? '',
      invoiceId: discrepancy.invoiceId ?? '',
      detail: text(discrepancy.detail),
      action: discrepancy.action,
      resolution: text(discrepancy.resolution),
    }));
  });
  return stringify(records, {
    ...spreadsheet,
    columns: reconciliationColumns.map((column) => ({ key: column.key, header: column[language] })),
  });
}
