import type { EventDefinition } from '../events/definition.js';
import { defineRule } from '../events/rule.js';

/**
 * Keeps every event of a tenant, idempotently, so the hub (and the tenant) can see what happened
 * and when. It consumes every public event type, which only the composition root knows: it makes
 * the rule (`shared/app/rules.ts`). Internal events are not kept (the bus archive has them).
 */
export function auditTrailRule(events: readonly EventDefinition[]) {
  return defineRule({
    name: 'audit-trail',
    description: 'Keeps every event of a tenant, idempotently, so the hub can see what happened and when.',
    consumes: events.filter((definition) => !definition.internal),
    target: { handler: 'functions/consumers/audit-trail.ts', retryAttempts: 8, maximumEventAgeSeconds: 3600 },
  });
}
