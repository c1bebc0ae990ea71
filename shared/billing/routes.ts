import * as z from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { IdParam, listOf } from '../schemas/common.js';
import {
  BillingRun,
  CreateCreditNoteBody,
  CreateRunBody,
  CreditNote,
  ExportQuery,
  GetInvoiceQuery,
  Invoice,
  ListCreditNotesQuery,
  ListInvoicesQuery,
  ListPaymentsQuery,
  Payment,
  RecordPaymentBody,
  Reconciliation,
  ReconciliationQuery,
} from './schemas.js';
import { BankStatementImport, ListStatementLinesQuery, StatementLine } from './statement-schemas.js';
import { billingRunErrors, booksAccessErrors, sellerIdentityErrors, creditNoteErrors, invoiceErrors, invoiceListErrors, paymentErrors, statementErrors, stripeSignatureErrors } from './errors.js';

/** The hub's accounting (admins, the cooperative's accountant); a tenant's bookkeeper is refused 403 in the domain (`assertHubAccounting`). */
const billingRoles = ['accountant', 'admin'] as const;
/** Whose books: the hub's keys read every tenant's; a tenant's keys (and its bookkeeper) their own. */
const booksReaders = ['accountant', 'admin', 'tenant'] as const;

/** Billing and accounting: runs, invoices, reconciliation, exports, and Stripe's webhook. */
export const billingRoutes = {
  createBillingRun: defineRoute({
    method: 'POST',
    path: '/v1/billing/runs',
    roles: billingRoles,
    handler: 'functions/billing/create-run.ts',
    summary: 'Bills a period: one invoice per tenant of every delivered delivery (and cancellation fee) not billed yet. Repeat it freely: nothing is billed twice.',
    tag: 'Billing',
    // A run is many transactions, keyed by the Idempotency-Key (runIdForRequest): a retry after a crash resumes it.
    idempotent: 'rerun',
    request: { body: CreateRunBody },
    responses: { 201: { description: 'The run and the invoices it issued.', schema: BillingRun } },
    // Reads the secret to decide whether new invoices go to Stripe (a key is set); never calls Stripe.
    needs: ['stripeSecrets'],
    errors: [billingRunErrors, booksAccessErrors, sellerIdentityErrors],
  }),
  listInvoices: defineRoute({
    method: 'GET',
    path: '/v1/billing/invoices',
    roles: booksReaders,
    handler: 'functions/billing/list-invoices.ts',
    summary:
      "Invoices with their lines: a period's (all tenants for the hub's keys, or one with `tenantId`), or every invoice still to be paid with `status=open` or `status=overdue` (no period needed). A tenant's keys list their own tenant's.",
    tag: 'Billing',
    request: { query: ListInvoicesQuery },
    responses: { 200: { description: 'A page of invoices.', schema: listOf(Invoice) } },
    errors: [invoiceListErrors, booksAccessErrors],
  }),
  getInvoice: defineRoute({
    method: 'GET',
    path: '/v1/billing/invoices/{id}',
    roles: booksReaders,
    handler: 'functions/billing/get-invoice.ts',
    rendersDocuments: true,
    summary:
      'An invoice with its lines (JSON); by `Accept` or `?format=`: the printable French invoice (`text/html`), the Factur-X PDF (`application/pdf`: PDF/A-3 with the EN 16931 CII XML embedded), the bare CII XML (`application/xml`), or its lines (`text/csv`). A tenant\'s keys read their own tenant\'s.',
    tag: 'Billing',
    request: { params: IdParam, query: GetInvoiceQuery },
    responses: {
      200: {
        description: 'The invoice (JSON), or one of its documents.',
        schema: Invoice,
        alternatives: { 'text/html': z.string(), 'application/pdf': z.string().meta({ format: 'binary' }), 'application/xml': z.string(), 'text/csv': z.string() },
      },
    },
    errors: [invoiceErrors, booksAccessErrors],
  }),
  recordPayment: defineRoute({
    method: 'POST',
    path: '/v1/billing/invoices/{id}/payments',
    // A tenant's keys: 404 for another tenant's invoice (no probing), 403 for their own (read only).
    roles: booksReaders,
    handler: 'functions/billing/record-payment.ts',
    summary:
      'Records money received outside Stripe: a bank transfer, cheque, cash or direct debit (cents, date, method, reference), or an imported statement line matched by hand (`statementLineId`). Partial payments add up; an invoice is `paid` once payments and credit notes cover it; more than is owed is refused.',
    tag: 'Billing',
    idempotent: true,
    request: { params: IdParam, body: RecordPaymentBody },
    responses: { 201: { description: 'The payment recorded.', schema: Payment } },
    errors: [paymentErrors, booksAccessErrors],
  }),
  listPayments: defineRoute({
    method: 'GET',
    path: '/v1/billing/payments',
    roles: booksReaders,
    handler: 'functions/billing/list-payments.ts',
    summary: "Payments (Stripe's included): one invoice's (`invoiceId`), a tenant's (`tenantId`), or a month's (`period`). A tenant's keys read their own tenant's.",
    tag: 'Billing',
    request: { query: ListPaymentsQuery },
    responses: { 200: { description: 'A page of payments.', schema: listOf(Payment) } },
    errors: [invoiceListErrors, invoiceErrors, booksAccessErrors],
  }),
  createCreditNote: defineRoute({
    method: 'POST',
    path: '/v1/billing/invoices/{id}/credit-notes',
    // A tenant's keys: 404 for another tenant's invoice (no probing), 403 for their own (read only).
    roles: booksReaders,
    handler: 'functions/billing/create-credit-note.ts',
    summary:
      'Issues a credit note (avoir) for the whole invoice (what is left to credit) or some lines, with a reason: numbered in its own gapless series (`A2026-000001`), entered in the books, mirrored in Stripe for an invoice sent there.',
    tag: 'Billing',
    idempotent: true,
    request: { params: IdParam, body: CreateCreditNoteBody },
    responses: { 201: { description: 'The credit note.', schema: CreditNote } },
    errors: [creditNoteErrors, booksAccessErrors],
  }),
  listCreditNotes: defineRoute({
    method: 'GET',
    path: '/v1/billing/credit-notes',
    roles: booksReaders,
    handler: 'functions/billing/list-credit-notes.ts',
    summary: "Credit notes: one invoice's (`invoiceId`), a tenant's (`tenantId`), or a month's (`period`). A tenant's keys read their own tenant's.",
    tag: 'Billing',
    request: { query: ListCreditNotesQuery },
    responses: { 200: { description: 'A page of credit notes.', schema: listOf(CreditNote) } },
    errors: [invoiceListErrors, invoiceErrors, booksAccessErrors],
  }),
  getCreditNote: defineRoute({
    method: 'GET',
    path: '/v1/billing/credit-notes/{id}',
    roles: booksReaders,
    handler: 'functions/billing/get-credit-note.ts',
    rendersDocuments: true,
    summary: 'A credit note (JSON), its Factur-X PDF (`application/pdf`) or its CII XML (`application/xml`), by `Accept` or `?format=`.',
    tag: 'Billing',
    request: { params: IdParam, query: GetInvoiceQuery },
    responses: {
      200: { description: 'The credit note, or one of its documents.', schema: CreditNote, alternatives: { 'application/pdf': z.string().meta({ format: 'binary' }), 'application/xml': z.string() } },
    },
    errors: [creditNoteErrors, booksAccessErrors],
  }),
  importBankStatement: defineRoute({
    method: 'POST',
    path: '/v1/billing/bank-statements',
    roles: billingRoles,
    handler: 'functions/billing/import-bank-statement.ts',
    summary:
      "Imports a bank statement: an ISO 20022 camt.053 file (`Content-Type: application/xml`) or a CSV (`text/csv`: date, amount, label). Each credit naming an open invoice's number for exactly what it owes becomes its payment; the rest is listed for a person to match (`POST /v1/billing/invoices/{id}/payments` with `statementLineId`). Importing a statement again changes nothing. Up to 4 MiB.",
    tag: 'Billing',
    idempotent: 'rerun',
    maxBodyBytes: 4 * 1024 * 1024,
    request: { rawBody: { description: 'The statement file, as the bank exports it (camt.053 XML, or CSV).', schema: z.string(), mediaTypes: ['application/xml', 'text/xml', 'text/csv'] } },
    responses: { 201: { description: 'What the import did with each line.', schema: BankStatementImport } },
    errors: [statementErrors, booksAccessErrors],
  }),
  listStatementLines: defineRoute({
    method: 'GET',
    path: '/v1/billing/bank-statements/lines',
    roles: billingRoles,
    handler: 'functions/billing/list-statement-lines.ts',
    summary: 'Imported statement lines: the credits still to match by hand (`status=unmatched`, the default), or one statement\'s lines (`statementId`).',
    tag: 'Billing',
    request: { query: ListStatementLinesQuery },
    responses: { 200: { description: 'A page of statement lines.', schema: listOf(StatementLine) } },
    errors: [booksAccessErrors],
  }),
  getReconciliation: defineRoute({
    method: 'GET',
    path: '/v1/billing/reconciliation',
    roles: billingRoles,
    handler: 'functions/billing/reconciliation.ts',
    summary: 'Per tenant: delivered vs ledger vs billed vs invoiced vs paid, with every discrepancy. `Accept: text/csv` for a spreadsheet, its header row in French, or English with `Accept-Language: en` (same columns, same order).',
    tag: 'Billing',
    request: { query: ReconciliationQuery },
    responses: { 200: { description: 'The reconciliation of the period (JSON), or its rows as CSV (`;`, decimal comma, UTF-8 with BOM).', schema: Reconciliation, alternatives: { 'text/csv': z.string() } } },
    errors: [booksAccessErrors],
  }),
  exportBilling: defineRoute({
    method: 'GET',
    path: '/v1/billing/export',
    roles: billingRoles,
    handler: 'functions/billing/export.ts',
    summary: "The period's sales journal as a FEC (18 columns, tab-separated), or its invoice lines as CSV.",
    tag: 'Billing',
    request: { query: ExportQuery },
    responses: { 200: { description: 'The file: the FEC (`format=fec`, tab-separated text) or the invoice lines (`format=csv`).', schema: z.string(), contentType: 'text/plain', alternatives: { 'text/csv': z.string() } } },
    errors: [booksAccessErrors],
  }),
  getDocument: defineRoute({
    method: 'GET',
    path: '/v1/billing/documents/{token}',
    roles: 'public',
    handler: 'functions/billing/get-document.ts',
    rendersDocuments: true,
    summary: "An invoice's or credit note's Factur-X PDF by the unguessable link its e-mail carries (valid 60 days). No key: the link is the credential, for that one document.",
    tag: 'Billing',
    request: { params: z.object({ token: z.string() }) },
    responses: { 200: { description: 'The Factur-X PDF.', schema: z.string().meta({ format: 'binary' }), contentType: 'application/pdf' } },
    errors: [invoiceErrors],
  }),
  stripeWebhook: defineRoute({
    method: 'POST',
    path: '/v1/stripe/webhook',
    roles: 'public',
    handler: 'functions/billing/stripe-webhook.ts',
    watched: true,
    summary: "Stripe's invoice events (`Stripe-Signature` checked on the raw body): finalized, paid, payment failed, voided, uncollectible. Replays are harmless.",
    tag: 'Billing',
    responses: { 200: { description: 'Received.', schema: z.object({ received: z.literal(true), outcome: z.enum(['applied', 'duplicate', 'ignored']) }) } },
    needs: ['stripeSecrets'],
    errors: [stripeSignatureErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
