import * as z from 'zod';
import { Price } from '../quotes/schemas.js';
import { Timestamp } from '../schemas/common.js';
import { PERIOD_PATTERN } from './period.js';

export const Period = z.string().regex(PERIOD_PATTERN, 'must be a month, YYYY-MM').meta({ description: 'A billing period: a calendar month in Europe/Paris.', example: '2026-03' });

export const lineKinds = ['delivery', 'cancellation_fee'] as const;
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
  .object({ name: z.string(), address: PartyAddress, siret: z.string(), vatNumber: z.string(), legalMentions: z.string(), email: z.string().nullable() })
  .meta({ id: 'InvoiceSeller' });
export type Seller = z.output<typeof Seller>;

export const Buyer = z.object({ tenantId: z.string(), name: z.string(), email: z.string(), address: PartyAddress }).meta({ id: 'InvoiceBuyer' });
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
    seller: Seller.nullable(),
    buyer: Buyer.nullable(),
    stripe: StripeSync.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    lines: z.array(InvoiceLine),
  })
  .meta({ id: 'Invoice' });
export type Invoice = z.output<typeof Invoice>;
export type InvoiceRecord = Omit<Invoice, 'lines'> & {
  /** Internal: `collecting` while lines may be claimed, `closed` once the line set is frozen. */
  assembly?: 'collecting' | 'closed';
  /** Internal: the ids of the lines the invoice was issued with (reconciliation compares). */
  lineIds?: string[];
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

export const ListInvoicesQuery = z.strictObject({
  period: Period,
  tenantId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

export const GetInvoiceQuery = z.strictObject({
  format: z.enum(['json', 'html']).optional().meta({ description: '`html`: a printable invoice (also chosen by `Accept: text/html`).' }),
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
] as const;
export type DiscrepancyKind = (typeof discrepancyKinds)[number];

export const Discrepancy = z
  .object({ kind: z.enum(discrepancyKinds), deliveryId: z.string().optional(), invoiceId: z.string().optional(), detail: z.string() })
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
    paidAmount: z.number().int(),
    discrepancies: z.array(Discrepancy),
  })
  .meta({ id: 'TenantReconciliation' });
export type TenantReconciliation = z.output<typeof TenantReconciliation>;

export const Reconciliation = z
  .object({ object: z.literal('reconciliation'), period: Period, generatedAt: Timestamp, clean: z.boolean(), tenants: z.array(TenantReconciliation) })
  .meta({ id: 'Reconciliation' });
export type Reconciliation = z.output<typeof Reconciliation>;

/** `invoice.issued` and `invoice.paid` carry the invoice without its lines (events stay small). */
export const InvoiceEventData = Invoice.omit({ lines: true });
