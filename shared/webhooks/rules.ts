import { EVENT_SOURCE } from '../config.js';
import { eventTypes, isInternalEvent, type EventType } from '../events/catalog.js';
import type { EventRule } from '../events/rules.js';

/**
 * The event types tenants' endpoints receive: every delivery and invoice event but the internal
 * ones (`invoice.push_requested`). The contract lists them; they are listed in the rule one by
 * one because an EventBridge pattern cannot say "prefix `invoice.` but not this one".
 */
export const webhookEventTypes: readonly EventType[] = eventTypes.filter((type) => (type.startsWith('delivery.') || type.startsWith('invoice.')) && !isInternalEvent(type));

export const webhookRules: readonly EventRule[] = [
  {
    name: 'webhook-dispatch',
    description: "Sends each tenant's delivery and invoice events to its webhook endpoints (first attempt; the retry sweeper does the rest).",
    pattern: { source: [EVENT_SOURCE], 'detail-type': [...webhookEventTypes] },
    target: { handler: 'functions/consumers/webhook-dispatch.ts', retryAttempts: 8, maximumEventAgeSeconds: 3600 },
  },
];
