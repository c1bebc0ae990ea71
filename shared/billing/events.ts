import { defineEvent } from '../events/definition.js';
import * as z from 'zod';
import { InvoiceEventData } from './schemas.js';

/**
 * `invoice.push_requested`: a billing run asks for a Stripe push that stalled to be resumed (the
 * run itself never calls Stripe, so it does not bundle the SDK). The `billing-stripe-push`
 * consumer handles it as it handles `invoice.issued`: it reads the invoice, so the event needs
 * only to name it.
 */
export const InvoicePushRequestedData = z.object({
  id: z.string(),
  tenantId: z.string(),
  provider: z.literal('stripe'),
  /** The billing run that asked. */
  requestedByRun: z.string(),
});

/** Invoice events carry the invoice without its lines (an event stays far below the bus's 256 KB). */
export const billingEvents = {
  invoiceIssued: defineEvent('invoice.issued', { version: 1, data: InvoiceEventData }),
  invoicePaid: defineEvent('invoice.paid', { version: 1, data: InvoiceEventData }),
  // Internal: not one of the contract's webhook event types, and nothing a tenant needs to see.
  invoicePushRequested: defineEvent('invoice.push_requested', { version: 1, internal: true, data: InvoicePushRequestedData }),
} as const;
