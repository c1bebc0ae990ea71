import { EVENT_SOURCE } from '../config.js';
import type { EventRule } from '../events/rules.js';

export const billingRules: readonly EventRule[] = [
  {
    name: 'billing-ledger',
    description: 'Records each delivered delivery and each cancellation fee as a billable line, once per delivery whatever the redeliveries.',
    pattern: { source: [EVENT_SOURCE], 'detail-type': ['delivery.delivered', 'delivery.cancelled'] },
    // A missed line is a delivery nobody pays for: retry for a day before the dead-letter queue.
    target: { handler: 'functions/consumers/billing-ledger.ts', retryAttempts: 20, maximumEventAgeSeconds: 86_400 },
  },
  {
    name: 'billing-stripe-push',
    description: 'Sends each issued Stripe invoice to Stripe (customer, items, finalize, send), resumably and with idempotency keys; resumes a stalled push a billing run requests.',
    // `invoice.push_requested`: a billing run asks for a stalled push to be resumed (the run never calls Stripe).
    pattern: { source: [EVENT_SOURCE], 'detail-type': ['invoice.issued', 'invoice.push_requested'], detail: { data: { provider: ['stripe'] } } },
    target: { handler: 'functions/consumers/billing-stripe-push.ts', retryAttempts: 20, maximumEventAgeSeconds: 86_400, timeoutSeconds: 120, needs: ['stripeSecrets'] },
  },
];
