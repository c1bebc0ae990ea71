import { billingRules } from '../billing/rules.js';
import type { Capability } from '../capabilities.js';
import { EVENT_SOURCE } from '../config.js';
import { internalEventTypes } from './catalog.js';
import { outboxStreamFilter } from './outbox.js';
import { notificationRules } from '../notifications/rules.js';
import { webhookRules } from '../webhooks/rules.js';

/**
 * The event rules: which events go to which consumer. Read by the CDK stack (an EventBridge rule
 * with a Lambda target, retry policy and dead-letter queue each) and by the local bus
 * (infra/local/event-bus.ts), which matches with the same patterns.
 */
export interface EventRule {
  /** Unique, kebab-case: names the rule, its function and its dead-letter queue. */
  name: string;
  description: string;
  /** An EventBridge event pattern (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html). */
  pattern: Record<string, unknown>;
  target: {
    /** The consumer module, relative to the project root; it exports `handler`. */
    handler: string;
    /** Retries after the first attempt before the event goes to the dead-letter queue (AWS allows 0–185). */
    retryAttempts: number;
    /** How long EventBridge keeps retrying (AWS allows 60–86400 s). */
    maximumEventAgeSeconds: number;
    /** Seconds the consumer may run (the stack's default otherwise). */
    timeoutSeconds?: number;
    /** What the consumer may do beyond table access (`shared/capabilities.ts`); the stack grants exactly these. */
    needs?: readonly Capability[];
  };
}

const auditRules: readonly EventRule[] = [
  {
    name: 'audit-trail',
    description: 'Keeps every event of a tenant, idempotently, so the hub can see what happened and when.',
    // Tenants read their trail (`GET /v1/tenants/{id}/events`): internal events are not kept there (the bus archive has them).
    pattern: { source: [EVENT_SOURCE], ...(internalEventTypes.length > 0 ? { 'detail-type': [{ 'anything-but': [...internalEventTypes] }] } : {}) },
    target: { handler: 'functions/consumers/audit-trail.ts', retryAttempts: 8, maximumEventAgeSeconds: 3600 },
  },
];

/** Every rule, from every area (`shared/<area>/rules.ts` where an area has consumers). */
export const eventRules: readonly EventRule[] = [...auditRules, ...billingRules, ...webhookRules, ...notificationRules];

/**
 * The consumer of the table's stream: relays outbox items to the bus. In AWS, a Lambda event
 * source mapping with this filter; locally, infra/local/stream-poller.ts with the same filter.
 */
export const outboxRelay = {
  name: 'outbox-relay',
  handler: 'functions/consumers/outbox-relay.ts',
  filter: outboxStreamFilter,
  batchSize: 10,
  /**
   * Stream records live 24 h: retry for 23 h, so a record that can never be published expires
   * through this limit into the DLQ (a pointer; the outbox item itself stays 7 days in the table)
   * rather than being trimmed silently.
   */
  maximumRecordAgeSeconds: 82_800,
} as const;
