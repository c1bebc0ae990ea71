import type * as z from 'zod';
import { logger, type Logger } from '../logging/logger.js';
import { eventEnvelopeSchema, type EventEnvelope } from './catalog.js';
import { eventDetailSchema, type EventDefinition, type EventDetail } from './definition.js';
import type { EventRule } from './rule.js';

/** What a consumer receives: one of the event types its rule consumes, its detail typed by that type. */
export type ConsumedEvent<E extends EventDefinition> = E extends EventDefinition<infer T, infer S> ? { type: T; detail: EventDetail<z.output<S>>; envelope: EventEnvelope } : never;

/**
 * A rule's consumer, as `apiHandler` is a route's function: the envelope and the detail parsed
 * against the schema of the rule's own event types (an event it does not consume is refused:
 * the rule's pattern should not have let it through), and a logger with the event's keys. The
 * consumer gets the event typed: no cast.
 */
export function eventHandler<E extends EventDefinition, R>(rule: EventRule<E>, fn: (event: ConsumedEvent<E>, log: Logger) => Promise<R>): (input: unknown) => Promise<R> {
  const byType = new Map<string, EventDefinition>(rule.consumes.map((definition) => [definition.type, definition]));
  return async (input: unknown) => {
    const envelope = eventEnvelopeSchema.parse(input);
    const type = envelope['detail-type'];
    const definition = byType.get(type);
    if (!definition) throw new Error(`The rule ${rule.name} does not consume '${type}'`);
    const detail = eventDetailSchema(definition).parse(envelope.detail);
    const log = logger.createChild({ persistentKeys: { rule: rule.name, eventId: detail.id, type, tenantId: detail.tenantId } });
    return fn({ type, detail, envelope } as ConsumedEvent<E>, log);
  };
}
