import * as z from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { IdParam, listOf } from '../schemas/common.js';
import { BillingRun, CreateRunBody, ExportQuery, GetInvoiceQuery, Invoice, ListInvoicesQuery, Reconciliation, ReconciliationQuery } from './schemas.js';
import { billingRunErrors, invoiceErrors, stripeSignatureErrors } from './errors.js';

const billingRoles = ['accountant', 'admin'] as const;

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
    errors: [billingRunErrors],
  }),
  listInvoices: defineRoute({
    method: 'GET',
    path: '/v1/billing/invoices',
    roles: billingRoles,
    handler: 'functions/billing/list-invoices.ts',
    summary: "A period's invoices (all tenants, or one with `tenantId`), with their lines.",
    tag: 'Billing',
    request: { query: ListInvoicesQuery },
    responses: { 200: { description: 'A page of invoices.', schema: listOf(Invoice) } },
  }),
  getInvoice: defineRoute({
    method: 'GET',
    path: '/v1/billing/invoices/{id}',
    roles: billingRoles,
    handler: 'functions/billing/get-invoice.ts',
    summary: 'An invoice with its lines; `?format=html` (or `Accept: text/html`) for the printable French invoice.',
    tag: 'Billing',
    request: { params: IdParam, query: GetInvoiceQuery },
    responses: { 200: { description: 'The invoice (JSON), or the printable French invoice (HTML).', schema: Invoice, alternatives: { 'text/html': z.string() } } },
    errors: [invoiceErrors],
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
