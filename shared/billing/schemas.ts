import * as z from 'zod';
import { Price } from '../quotes/schemas.js';
import { text, Timestamp } from '../schemas/common.js';
import { PERIOD_PATTERN } from './period.js';

export const Period = z.string().regex(PERIOD_PATTERN, 'must be a month, YYYY-MM').meta({ description: 'A billing period: a calendar month in Europe/Paris.', example: '2026-03' });

export const lineKinds = ['delivery', 'cancellation_fee', 'failed_attempt_fee'] as const;
export type LineKind = (typeof lineKinds)[number];

export const invoiceStatuses = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];

export const invoiceProviders = ['stripe', 'ledger'] as const;
export type InvoiceProviderName = (typeof invoiceProviders)[number];

export const CreateRunBody = z
  .strictObject({ period: Period })
  .meta({ id: 'CreateBillingRunRequest', description: '`period`: a month from the one the first tenant joined to the current Europe/Paris month (billed so far; a later run bills the rest).' });

export const InvoiceLine = z
  .object({
    id: z.string().meta({ description: '`<deliveryId>:<kind>`: one line per delivery and kind, ever.' }),
    deliveryId: z.string(),
    kind: z.enum(lineKinds),
    description: z.string(),
    reference: z.string().nullable(),
    occurredAt: Timestamp.meta({ description: 'When the delivery was delivered (or cancelled, for a fee).' }),
    vatRateBasisPoints: z.number().int(),
    net: z.number().int(),
    vat: z.number().int(),
    gross: z.number().int(),
  })
  .meta({ id: 'InvoiceLine', description: 'Integer cents, EUR.' });
export type InvoiceLine = z.output<typeof InvoiceLine>;

export const VatBreakdownEntry = z
  .object({ vatRateBasisPoints: z.number().int(), net: z.number().int(), vat: z.number().int(), gross: z.number().int() })
  .meta({ id: 'VatBreakdownEntry', description: 'The lines of one VAT rate, summed (cents).' });

const PartyAddress = z.object({ line1: z.string(), line2: z.string().optional(), postcode: z.string(), city: z.string(), country: z.string() });

export const Seller = z
  .object({
    name: z.string(),
    address: PartyAddress,
    siret: z.string(),
    vatNumber: z.string(),
    legalMentions: z.string(),
    email: z.string().nullable(),
    siren: z.string().optional(),
    legalForm: z.string().optional(),
    capital: z.string().optional(),
    rcs: z.string().optional(),
    iban: z.string().optional(),
    bic: z.string().optional(),
  })
  .meta({ id: 'InvoiceSeller', description: 'Who issues the invoice, from the deployment\'s configuration (docs/operations.md, "The seller\'s identity").' });
export type Seller = z.output<typeof Seller>;

export const Buyer = z
  .object({
    tenantId: z.string(),
    name: z.string(),
    email: z.string(),
    address: PartyAddress,
    siren: z.string().optional().meta({ description: "The buyer's SIREN, when the tenant gave one." }),
    vatNumber: z.string().optional().meta({ description: "The buyer's VAT number, when the tenant gave one." }),
  })
  .meta({ id: 'InvoiceBuyer' });
export type Buyer = z.output<typeof Buyer>;

export const StripeSync = z
  .object({
    syncStatus: z.enum(['pending', 'synced', 'failed']),
    syncError: z.string().nullable(),
    customerId: z.string().nullable(),
    invoiceId: z.string().nullable(),
    status: z.string().nullable(),
    number: z.string().nullable(),
    total: z.number().int().nullable(),
    amountDue: z.number().int().nullable(),
    amountPaid: z.number().int().nullable(),
    hostedInvoiceUrl: z.string().nullable(),
    sentAt: Timestamp.nullable(),
    paymentFailedAt: Timestamp.nullable(),
    lastEventId: z.string().nullable(),
    lastEventCreated: z.number().int().nullable(),
    lastAttemptAt: Timestamp.nullable(),
  })
  .meta({ id: 'InvoiceStripeState', description: 'The Stripe side of the invoice, as last pushed or reported by a webhook.' });
export type StripeSync = z.output<typeof StripeSync>;

export const Invoice = z
  .object({
    id: z.string(),
    object: z.literal('invoice'),
    number: z.string().nullable().meta({ description: 'Sequential without gaps per yearly series (`F2026-000123`); null while a draft.' }),
    tenantId: z.string(),
    period: Period,
    runId: z.string(),
    status: z.enum(invoiceStatuses),
    provider: z.enum(invoiceProviders),
    total: Price,
    vatBreakdown: z.array(VatBreakdownEntry),
    lineCount: z.number().int(),
    issuedAt: Timestamp.nullable(),
    dueDate: z.string().nullable().meta({ description: 'YYYY-MM-DD, Europe/Paris.' }),
    paidAt: Timestamp.nullable(),
    voidedAt: Timestamp.nullable(),
    paidAmount: z.number().int().meta({ description: 'Cents received: payments of every kind (Stripe, transfers, cheques…).' }),
    creditedAmount: z.number().int().meta({ description: 'Cents credited by credit notes.' }),
    amountDue: z.number().int().meta({ description: 'Cents still owed: total − paid − credited (never below 0).' }),
    overdue: z.boolean().meta({ description: 'Open, with money still owed, past its due date (Europe/Paris).' }),
    remindersSent: z.array(z.enum(['first', 'second'])).meta({ description: 'Payment reminders e-mailed so far (at due + 7 and due + 21 days).' }),
    seller: Seller.nullable(),
    buyer: Buyer.nullable(),
    stripe: StripeSync.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    lines: z.array(InvoiceLine),
  })
  .meta({ id: 'Invoice' });
export type Invoice = z.output<typeof Invoice>;
/** Fields a stored invoice may lack (issued before they existed): read as their zero. */
type Settlement = 'paidAmount' | 'creditedAmount' | 'amountDue' | 'overdue' | 'remindersSent';
export type InvoiceRecord = Omit<Invoice, 'lines' | Settlement> & {
  /** Internal: `collecting` while lines may be claimed, `closed` once the line set is frozen. */
  assembly?: 'collecting' | 'closed';
  /** Internal: the ids of the lines the invoice was issued with (reconciliation compares). */
  lineIds?: string[];
  paidAmount?: number;
  creditedAmount?: number;
  /** Internal: gross cents credited per line id (a line is never credited beyond its gross). */
  creditedLines?: Record<string, number>;
  /** Internal: counts the changes of what is paid or credited (optimistic concurrency). */
  settlementVersion?: number;
  remindersSent?: Array<'first' | 'second'>;
};

export const BillingRun = z
  .object({
    id: z.string(),
    object: z.literal('billing_run'),
    period: Period,
    trigger: z.enum(['api', 'schedule']),
    status: z.enum(['running', 'completed']),
    startedAt: Timestamp,
    completedAt: Timestamp.nullable(),
    invoices: z.array(Invoice).meta({ description: 'The invoices this run issued (a tenant with nothing left to bill gets none).' }),
  })
  .meta({ id: 'BillingRun' });
export type BillingRun = z.output<typeof BillingRun>;

export const invoiceListStatuses = ['open', 'paid', 'void', 'uncollectible', 'overdue'] as const;
export type InvoiceListStatus = (typeof invoiceListStatuses)[number];

export const ListInvoicesQuery = z.strictObject({
  period: Period.optional().meta({ description: 'The billing period; every period (newest first) when left out.' }),
  status: z.enum(invoiceListStatuses).optional().meta({ description: '`overdue`: open, money still owed, past the due date.' }),
  tenantId: z.string().min(1).max(64).optional().meta({ description: "The hub's keys: one tenant's invoices. A tenant's keys read their own only." }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

export const documentFormats = ['json', 'html', 'pdf', 'xml', 'csv'] as const;
export type DocumentFormat = (typeof documentFormats)[number];

export const GetInvoiceQuery = z.strictObject({
  format: z
    .enum(documentFormats)
    .optional()
    .meta({
      description:
        '`html`: a printable invoice; `pdf`: the Factur-X PDF (PDF/A-3 with its EN 16931 CII XML embedded); `xml`: the bare CII XML; `csv`: its lines. Also chosen by `Accept` (`text/html`, `application/pdf`, `application/xml`, `text/csv`).',
    }),
});

// ---- Payments -------------------------------------------------------------------------------

export const paymentMethods = ['transfer', 'cheque', 'cash', 'direct_debit', 'card'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];
export const paymentSources = ['manual', 'bank_statement', 'stripe'] as const;

const Cents = z
  .number({ error: 'must be an amount in cents (a whole number)' })
  .int('must be a whole number of cents')
  .positive('must be more than 0 cents')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');
export const CalendarDate = z.iso.date('must be a date, YYYY-MM-DD').meta({ description: 'A calendar date, YYYY-MM-DD (Europe/Paris).', example: '2026-04-15' });

export const Payment = z
  .object({
    id: z.string(),
    object: z.literal('payment'),
    invoiceId: z.string(),
    invoiceNumber: z.string(),
    tenantId: z.string(),
    amount: z.number().int().meta({ description: 'Cents received.' }),
    method: z.enum(paymentMethods),
    date: CalendarDate.meta({ description: 'When the money was received (value date), YYYY-MM-DD.' }),
    reference: z.string().nullable(),
    source: z.enum(paymentSources).meta({ description: '`manual`: recorded by a person; `bank_statement`: matched from an imported statement; `stripe`: reported by Stripe.' }),
    statementLineId: z.string().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'Payment' });
export type Payment = z.output<typeof Payment>;

export const RecordPaymentBody = z
  .strictObject({
    amount: Cents.optional().meta({ description: 'Cents received (> 0, at most what is still owed). May be left out with `statementLineId`: the line\'s amount.' }),
    date: CalendarDate.optional().meta({ description: "When the money was received; today (Paris) when left out, the statement line's date with `statementLineId`. Not in the future." }),
    method: z.enum(paymentMethods).default('transfer'),
    reference: text(200).optional().meta({ description: 'The bank reference, cheque number…' }),
    statementLineId: z.string().min(1).max(64).optional().meta({ description: 'An unmatched credit of an imported bank statement that pays this invoice: matched by hand.' }),
  })
  .meta({ id: 'RecordPaymentRequest' });
export type RecordPaymentBody = z.output<typeof RecordPaymentBody>;

export const ListPaymentsQuery = z.strictObject({
  period: Period.optional().meta({ description: 'Payments received in this month.' }),
  invoiceId: z.string().min(1).max(64).optional(),
  tenantId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

// ---- Credit notes ---------------------------------------------------------------------------

export const CreditNoteLine = z
  .object({
    lineId: z.string().meta({ description: 'The invoice line credited.' }),
    deliveryId: z.string(),
    description: z.string(),
    vatRateBasisPoints: z.number().int(),
    net: z.number().int(),
    vat: z.number().int(),
    gross: z.number().int(),
  })
  .meta({ id: 'CreditNoteLine', description: 'Integer cents, EUR, positive: what is credited.' });
export type CreditNoteLine = z.output<typeof CreditNoteLine>;

export const CreditNote = z
  .object({
    id: z.string(),
    object: z.literal('credit_note'),
    number: z.string().meta({ description: 'Sequential without gaps per yearly series (`A2026-000001`).' }),
    invoiceId: z.string(),
    invoiceNumber: z.string(),
    tenantId: z.string(),
    reason: z.string(),
    total: Price,
    vatBreakdown: z.array(VatBreakdownEntry),
    lines: z.array(CreditNoteLine),
    issuedAt: Timestamp,
    seller: Seller.nullable(),
    buyer: Buyer.nullable(),
    stripe: z
      .object({ syncStatus: z.enum(['pending', 'synced', 'failed']), creditNoteId: z.string().nullable(), syncError: z.string().nullable() })
      .nullable()
      .meta({ description: 'The Stripe credit note mirroring it, for an invoice sent to Stripe.' }),
    createdAt: Timestamp,
  })
  .meta({ id: 'CreditNote' });
export type CreditNote = z.output<typeof CreditNote>;

export const CreateCreditNoteBody = z
  .strictObject({
    reason: text(500).meta({ description: 'Why: printed on the credit note.' }),
    lines: z
      .array(
        z.strictObject({
          lineId: z.string().min(1).max(200),
          amount: Cents.optional().meta({ description: 'Gross cents of the line to credit; the whole line (what remains of it) when left out.' }),
        }),
      )
      .min(1)
      .max(500)
      .optional()
      .meta({ description: 'Some lines; the whole invoice (everything not credited yet) when left out.' }),
  })
  .meta({ id: 'CreateCreditNoteRequest' });
export type CreateCreditNoteBody = z.output<typeof CreateCreditNoteBody>;

export const ListCreditNotesQuery = z.strictObject({
  period: Period.optional().meta({ description: 'Credit notes issued in this month.' }),
  invoiceId: z.string().min(1).max(64).optional(),
  tenantId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

export const ReconciliationQuery = z.strictObject({
  period: Period,
  format: z.enum(['json', 'csv']).optional().meta({ description: '`csv` (also chosen by `Accept: text/csv`): `;`-separated, UTF-8 with BOM, euros with a decimal comma.' }),
});

export const ExportQuery = z.strictObject({
  period: Period,
  format: z.enum(['fec', 'csv']).default('fec').meta({ description: '`fec`: Fichier des Écritures Comptables (18 columns, tab-separated). `csv`: the invoice lines.' }),
});

export const discrepancyKinds = [
  'delivered_not_billed',
  'billed_twice',
  'billed_not_delivered',
  'amount_mismatch',
  'invoice_total_mismatch',
  'stripe_amount_mismatch',
  'stripe_not_synced',
  'invoice_voided',
  'overdue',
  'overpaid',
  'credit_note_not_synced',
] as const;
export type DiscrepancyKind = (typeof discrepancyKinds)[number];

export const discrepancyActions = ['run_billing', 'investigate_ledger', 'issue_credit_note', 'retry_stripe_push', 'send_reminder', 'refund_customer', 'wait'] as const;

export const Discrepancy = z
  .object({
    kind: z.enum(discrepancyKinds),
    deliveryId: z.string().optional(),
    invoiceId: z.string().optional(),
    detail: z.string(),
    action: z.enum(discrepancyActions).meta({ description: 'What resolves it (stable code); `resolution` says it in words.' }),
    resolution: z.string().meta({ description: 'What to do, in words.' }),
  })
  .meta({ id: 'Discrepancy' });
export type Discrepancy = z.output<typeof Discrepancy>;

export const TenantReconciliation = z
  .object({
    tenantId: z.string(),
    tenantName: z.string(),
    deliveredCount: z.number().int().meta({ description: 'Deliveries delivered in the period.' }),
    cancellationFeeCount: z.number().int().meta({ description: 'Cancellations with a fee in the period.' }),
    expectedAmount: z.number().int().meta({ description: 'Gross cents of what the deliveries say should be billed.' }),
    ledgerCount: z.number().int().meta({ description: 'Billable lines the ledger recorded for the period.' }),
    billedCount: z.number().int().meta({ description: 'Ledger lines on an issued invoice.' }),
    billedAmount: z.number().int(),
    invoiceCount: z.number().int(),
    invoicedAmount: z.number().int().meta({ description: 'Gross cents of the issued invoices (void ones excluded).' }),
    paidAmount: z.number().int().meta({ description: 'Cents received on the issued invoices: Stripe, transfers, cheques, cash, direct debits.' }),
    creditNoteCount: z.number().int().meta({ description: 'Credit notes issued on these invoices.' }),
    creditedAmount: z.number().int().meta({ description: 'Gross cents credited on these invoices.' }),
    outstandingAmount: z.number().int().meta({ description: 'Gross cents still owed on these invoices.' }),
    discrepancies: z.array(Discrepancy),
  })
  .meta({ id: 'TenantReconciliation', description: 'One tenant\'s period: delivered → billed → invoiced → credited → paid.' });
export type TenantReconciliation = z.output<typeof TenantReconciliation>;

export const Reconciliation = z
  .object({ object: z.literal('reconciliation'), period: Period, generatedAt: Timestamp, clean: z.boolean(), tenants: z.array(TenantReconciliation) })
  .meta({ id: 'Reconciliation' });
export type Reconciliation = z.output<typeof Reconciliation>;

/** `invoice.issued` and `invoice.paid` carry the invoice without its lines (events stay small). */
export const InvoiceEventData = Invoice.omit({ lines: true });
