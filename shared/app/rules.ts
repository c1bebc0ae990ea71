import { auditTrailRule } from '../audit/rules.js';
import { billingRules } from '../billing/rules.js';
import type { EventRule } from '../events/rule.js';
import { notificationRules } from '../notifications/rules.js';
import { webhookRules } from '../webhooks/rules.js';
import { planningRules } from '../planning/rules.js';
import { standingOrderRules } from '../standing-orders/rules.js';
import { allEvents } from './events.js';

/** The audit trail's rule, which consumes every public event type. */
export const auditTrail = auditTrailRule(allEvents);

/** Every rule, from every area (`shared/<area>/rules.ts` where an area has consumers). */
export const eventRules: readonly EventRule[] = [auditTrail, ...Object.values(billingRules), ...Object.values(webhookRules), ...Object.values(notificationRules), ...Object.values(planningRules), ...Object.values(standingOrderRules)];

export { outboxRelay } from '../events/rule.js';
