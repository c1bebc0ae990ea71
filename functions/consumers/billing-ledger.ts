import { recordDeliveryEvent } from '../../shared/billing/ledger-consumer.js';
import { parseEnvelope } from '../../shared/events/catalog.js';
import { logger } from '../../shared/logging/logger.js';
import { recordMetric } from '../../shared/observability/metrics.js';

/**
 * Turns `delivery.delivered` and `delivery.cancelled` (with a fee) into billable lines.
 * Idempotent on the event id and, beyond it, on the delivery: a line's key is its delivery and
 * kind, written with `attribute_not_exists`, so a redelivered event records nothing new.
 */
export const handler = async (input: unknown): Promise<void> => {
  const { type, detail } = parseEnvelope(input);
  const recorded = await recordDeliveryEvent(type, detail);
  if (recorded > 0) recordMetric('BillingLines', recorded);
  logger.info('billing ledger', { eventId: detail.id, type, tenantId: detail.tenantId, recorded });
};
