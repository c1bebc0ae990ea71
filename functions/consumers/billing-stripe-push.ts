import { pushInvoice } from '../../shared/billing/stripe-push.js';
import { parseEnvelope } from '../../shared/events/catalog.js';
import { logger } from '../../shared/logging/logger.js';

/**
 * Sends an issued invoice to Stripe. A redelivered event finds the invoice synced (or resumes
 * it from its checkpoints, with the same idempotency keys): Stripe never sees anything twice.
 * A transient Stripe failure throws, so EventBridge retries; the next billing run also resumes
 * pushes that stalled.
 */
export const handler = async (input: unknown): Promise<void> => {
  const { detail } = parseEnvelope(input);
  const data = detail.data as { id: string; tenantId: string };
  const outcome = await pushInvoice(data.tenantId, data.id);
  logger.info('billing stripe push', { eventId: detail.id, invoiceId: data.id, outcome });
};
