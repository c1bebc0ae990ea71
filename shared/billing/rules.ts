import { deliveryEvents } from '../deliveries/events.js';
import { defineRule } from '../events/rule.js';
import { billingEvents } from './events.js';

export const billingRules = {
  ledger: defineRule({
    name: 'billing-ledger',
    description: 'Records each delivered delivery, each cancellation fee and each failed attempt fee as a billable line, once whatever the redeliveries.',
    consumes: [deliveryEvents.delivered, deliveryEvents.cancelled, deliveryEvents.failed],
    // A missed line is a delivery nobody pays for: retry for a day before the dead-letter queue.
    target: { handler: 'functions/consumers/billing-ledger.ts', retryAttempts: 20, maximumEventAgeSeconds: 86_400 },
  }),
  stripePush: defineRule({
    name: 'billing-stripe-push',
    description: 'Sends each issued Stripe invoice to Stripe (customer, items, finalize, send), resumably and with idempotency keys; resumes a stalled push a billing run requests.',
    // `invoice.push_requested`: a billing run asks for a stalled push to be resumed (the run never calls Stripe).
    // `invoice.paid`: an invoice paid elsewhere is marked paid out of band in Stripe.
    consumes: [billingEvents.invoiceIssued, billingEvents.invoicePushRequested, billingEvents.invoicePaid],
    detail: { data: { provider: ['stripe'] } },
    // sellerIdentity: the Stripe invoice's footer names the seller (the invoice's own, configuration's for an invoice without one).
    target: { handler: 'functions/consumers/billing-stripe-push.ts', retryAttempts: 20, maximumEventAgeSeconds: 86_400, timeoutSeconds: 120, needs: ['stripeSecrets', 'sellerIdentity'] },
  }),
  stripeCreditNotes: defineRule({
    name: 'billing-stripe-credit-notes',
    description: 'Mirrors each credit note of an invoice sent to Stripe as a Stripe credit note, once (keyed by the credit note).',
    consumes: [billingEvents.creditNoteIssued],
    detail: { data: { stripe: { syncStatus: ['pending'] } } },
    target: { handler: 'functions/consumers/billing-stripe-credit-note.ts', retryAttempts: 20, maximumEventAgeSeconds: 86_400, timeoutSeconds: 60, needs: ['stripeSecrets'] },
  }),
  notify: defineRule({
    name: 'billing-notify',
    description: "E-mails the tenant's billing address its invoice and credit notes (a link to the Factur-X PDF) and the payment reminders, once per event.",
    consumes: [billingEvents.invoiceIssued, billingEvents.creditNoteIssued, billingEvents.invoiceReminderDue],
    target: { handler: 'functions/consumers/billing-notify.ts', retryAttempts: 8, maximumEventAgeSeconds: 86_400, needs: ['sendEmail'] },
  }),
} as const;
