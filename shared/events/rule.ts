import type { Capability } from '../capabilities.js';
import { EVENT_SOURCE } from '../config.js';
import type { EventDefinition } from './definition.js';
import { outboxStreamFilter } from './outbox.js';

/**
 * An event rule: which events go to which consumer. Read by the CDK stack (an EventBridge rule
 * with a Lambda target, retry policy and dead-letter queue each) and by the local bus
 * (infra/local/event-bus.ts), which matches with the same patterns. The composition root lists
 * every rule (`shared/app/rules.ts`).
 */
export interface EventRule<E extends EventDefinition = EventDefinition> {
  /** Unique, kebab-case: names the rule, its function and its dead-letter queue. */
  name: string;
  description: string;
  /** The events the consumer handles: the pattern matches these types and no other, and the consumer gets them typed (`eventHandler`). */
  consumes: readonly E[];
  /** An EventBridge event pattern, made from `consumes` (and `detail`) by `defineRule`. */
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
    /** Memory of the consumer's function, MB (the stack's default otherwise): CPU follows memory in Lambda. */
    memoryMb?: number;
    /** What the consumer may do beyond table access (`shared/capabilities.ts`); the stack grants exactly these. */
    needs?: readonly Capability[];
  };
}

export interface RuleSpec<E extends EventDefinition> extends Omit<EventRule<E>, 'pattern'> {
  /** A narrower pattern on the event's `detail` (`{ data: { provider: ['stripe'] } }`), when the consumer wants fewer of its types. */
  detail?: Record<string, unknown>;
}

/** A rule whose pattern follows from the events it consumes: they cannot drift apart. */
export function defineRule<const E extends EventDefinition>(spec: RuleSpec<E>): EventRule<E> {
  if (spec.consumes.length === 0) throw new Error(`The rule ${spec.name} consumes no event`);
  const { detail, ...rule } = spec;
  return {
    ...rule,
    pattern: { source: [EVENT_SOURCE], 'detail-type': [...new Set(spec.consumes.map((definition) => definition.type))], ...(detail ? { detail } : {}) },
  };
}

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
