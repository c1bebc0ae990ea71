import { billingRules } from '../../shared/billing/rules.js';
import { mirrorPaidElsewhere, pushInvoice } from '../../shared/billing/stripe-push.js';
import { eventHandler } from '../../shared/events/consumer.js';

/**
 * Sends an issued invoice to Stripe: on `invoice.issued`, and on `invoice.push_requested`, which a
 * billing run writes for a push that stalled. Both name the invoice (`id`, `tenantId`); the push
 * reads it. A redelivered or repeated event finds the invoice synced (or resumes it from its
 * checkpoints, with the same idempotency keys): Stripe never sees anything twice. A transient
 * Stripe failure throws, so EventBridge retries; after that, the next billing run requests again.
 */
export const handler = eventHandler(billingRules.stripePush, async ({ type, detail }, log) => {
  if (type === 'invoice.paid') {
    log.info('billing stripe paid elsewhere', { invoiceId: detail.data.id, outcome: await mirrorPaidElsewhere(detail.data.tenantId, detail.data.id) });
    return;
  }
  const outcome = await pushInvoice(detail.data.tenantId, detail.data.id);
  log.info('billing stripe push', { invoiceId: detail.data.id, outcome });
});
