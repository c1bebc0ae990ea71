import { eventHandler } from '../../shared/events/consumer.js';
import { computePlan } from '../../shared/planning/plans-service.js';
import { planningRules } from '../../shared/planning/rules.js';

/** Computes a plan of the day, once whatever the redeliveries. */
export const handler = eventHandler(planningRules.planDay, async ({ detail }, log) => {
  const status = await computePlan(detail.data.planId);
  log.info('plan computed', { planId: detail.data.planId, status });
});
