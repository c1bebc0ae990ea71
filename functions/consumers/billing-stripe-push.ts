import { pushInvoice } from '../../shared/billing/stripe-push.js';
import { parseEnvelope } from '../../shared/events/catalog.js';
import { logger } from '../../shared/logging/logger.js';

/**
 * Sends an issued invoice to Stripe: on `invoice.issued`, and on `invoice.push_requested`, which a
 * billing run writes for a push that stalled. Both name the invoice (`id`, `tenantId`); the push
 * reads it. A redelivered or repeated event finds the invoice synced (or resumes it from its
 * checkpoints, with the same idempotency keys): Stripe never sees anything twice. A transient
 * Stripe failure throws, so EventBridge retries; after that, the next billing run requests again.
 */
export const handler = async (input: unknown): Promise<void> => {
  const { type, detail } = parseEnvelope(input);
  const data = detail.data as { id: string; tenantId: string };
  const outcome = await pushInvoice(data.tenantId, data.id);
  logger.info('billing stripe push', { eventId: detail.id, type, invoiceId: data.id, outcome });
};
