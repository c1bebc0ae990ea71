import { recordDeliveryEvent } from '../../shared/billing/ledger-consumer.js';
import { billingRules } from '../../shared/billing/rules.js';
import { eventHandler } from '../../shared/events/consumer.js';
import { recordMetric } from '../../shared/observability/metrics.js';

/**
 * Turns `delivery.delivered` and `delivery.cancelled` (with a fee) into billable lines.
 * Idempotent on the event id and, beyond it, on the delivery: a line's key is its delivery and
 * kind, written with `attribute_not_exists`, so a redelivered event records nothing new.
 */
export const handler = eventHandler(billingRules.ledger, async ({ type, detail }, log) => {
  const recorded = await recordDeliveryEvent(type, detail);
  if (recorded > 0) recordMetric('BillingLines', recorded);
  log.info('billing ledger', { recorded });
});
