import { EVENT_SOURCE } from '../config.js';

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
  };
}

export const eventRules: readonly EventRule[] = [
  {
    name: 'audit-trail',
    description: 'Keeps every event of a tenant, idempotently, so the hub can see what happened and when.',
    pattern: { source: [EVENT_SOURCE] },
    target: { handler: 'functions/consumers/audit-trail.ts', retryAttempts: 8, maximumEventAgeSeconds: 3600 },
  },
];
