import { defineEvent } from '../events/definition.js';
import * as z from 'zod';
import { CreditNote, InvoiceEventData, Payment } from './schemas.js';

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

/** `invoice.reminder_due`: the daily follow-up recorded a reminder step; the billing e-mail consumer sends it. */
export const InvoiceReminderDueData = z.object({ invoiceId: z.string(), tenantId: z.string(), step: z.enum(['first', 'second']) });

/** Invoice events carry the invoice without its lines (an event stays far below the bus's 256 KB). */
export const billingEvents = {
  invoiceIssued: defineEvent('invoice.issued', { version: 1, data: InvoiceEventData }),
  invoicePaid: defineEvent('invoice.paid', { version: 1, data: InvoiceEventData }),
  paymentRecorded: defineEvent('payment.recorded', { version: 1, data: Payment }),
  creditNoteIssued: defineEvent('credit_note.issued', { version: 1, data: CreditNote }),
  // Internal: the e-mail's trigger; tenants see the reminder in their mailbox, not as a webhook.
  invoiceReminderDue: defineEvent('invoice.reminder_due', { version: 1, internal: true, data: InvoiceReminderDueData }),
  // Internal: not one of the contract's webhook event types, and nothing a tenant needs to see.
  invoicePushRequested: defineEvent('invoice.push_requested', { version: 1, internal: true, data: InvoicePushRequestedData }),
} as const;
