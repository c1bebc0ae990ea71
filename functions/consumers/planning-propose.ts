import { eventHandler } from '../../shared/events/consumer.js';
import { proposeAfter } from '../../shared/planning/plans-service.js';
import { planningRules } from '../../shared/planning/rules.js';

/** A booking or cancellation of today: a new proposal for the day (computed by planning-solve). */
export const handler = eventHandler(planningRules.replanDay, async ({ type, detail }, log) => {
  const plan = await proposeAfter(detail.data, type === 'delivery.booked' ? 'booking' : 'cancellation');
  log.info('plan proposed', { planId: plan?.id ?? null });
});
