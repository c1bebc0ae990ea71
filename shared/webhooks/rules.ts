import { billingEvents } from '../billing/events.js';
import { deliveryEvents } from '../deliveries/events.js';
import { standingOrderEvents } from '../standing-orders/events.js';
import { defineRule } from '../events/rule.js';

/**
 * The events tenants' endpoints receive: every delivery and invoice event but the internal ones
 * (`invoice.push_requested`): the contract's list. They are listed in the rule one by one,
 * because an EventBridge pattern cannot say "prefix `invoice.` but not this one".
 */
export const webhookEvents = [...Object.values(deliveryEvents), ...Object.values(billingEvents).filter((definition) => !definition.internal), ...Object.values(standingOrderEvents)];

export const webhookEventTypes: readonly string[] = webhookEvents.map((definition) => definition.type);

export const webhookRules = {
  dispatch: defineRule({
    name: 'webhook-dispatch',
    description: "Sends each tenant's delivery and invoice events to its webhook endpoints (first attempt; the retry sweeper does the rest).",
    consumes: webhookEvents,
    target: { handler: 'functions/consumers/webhook-dispatch.ts', retryAttempts: 8, maximumEventAgeSeconds: 3600 },
  }),
} as const;
