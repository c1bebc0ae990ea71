import { deliveryEvents } from '../deliveries/events.js';
import { defineRule } from '../events/rule.js';
import { billingEvents } from './events.js';

export const billingRules = {
  ledger: defineRule({
    name: 'billing-ledger',
    description: 'Records each delivered delivery and each cancellation fee as a billable line, once per delivery whatever the redeliveries.',
    consumes: [deliveryEvents.delivered, deliveryEvents.cancelled],
    // A missed line is a delivery nobody pays for: retry for a day before the dead-letter queue.
    target: { handler: 'functions/consumers/billing-ledger.ts', retryAttempts: 20, maximumEventAgeSeconds: 86_400 },
  }),
  stripePush: defineRule({
    name: 'billing-stripe-push',
    description: 'Sends each issued Stripe invoice to Stripe (customer, items, finalize, send), resumably and with idempotency keys; resumes a stalled push a billing run requests.',
    // `invoice.push_requested`: a billing run asks for a stalled push to be resumed (the run never calls Stripe).
    consumes: [billingEvents.invoiceIssued, billingEvents.invoicePushRequested],
    detail: { data: { provider: ['stripe'] } },
    target: { handler: 'functions/consumers/billing-stripe-push.ts', retryAttempts: 20, maximumEventAgeSeconds: 86_400, timeoutSeconds: 120, needs: ['stripeSecrets'] },
  }),
} as const;
