import * as z from 'zod';
import { billingEvents } from '../billing/events.js';
import { deliveryEvents } from '../deliveries/events.js';
import { tenantEvents } from '../tenants/events.js';

/** One event type: the schema of its `data` and its version. Each area declares its own (`shared/<area>/events.ts`). */
export interface EventDefinition {
  version: number;
  data: z.ZodType;
  /**
   * An internal event: a request between the hub's own functions, not a change a tenant should
   * see. Never sent to tenants' webhooks (`shared/webhooks/rules.ts`, whose event types are the
   * contract's list) nor kept in their audit trail (`GET /v1/tenants/{id}/events`); the bus
   * archive still keeps it.
   */
  internal?: boolean;
}

/**
 * Every event type this system puts on the bus, with the schema of its `data` and its version.
 * Producers validate before putting; consumers parse with the same schema. A breaking change to
 * a `data` schema is a new version, never an edit in place.
 */
export const eventCatalog = {
  ...tenantEvents,
  ...deliveryEvents,
  ...billingEvents,
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof eventCatalog;
export type EventData<T extends EventType> = z.output<(typeof eventCatalog)[T]['data']>;

export const eventTypes = Object.keys(eventCatalog) as EventType[];

/** The catalogue's internal event types (see `EventDefinition.internal`). */
export const internalEventTypes: readonly EventType[] = eventTypes.filter((type) => (eventCatalog[type] as EventDefinition).internal === true);

export function isInternalEvent(type: string): boolean {
  return (internalEventTypes as readonly string[]).includes(type);
}

/** The `detail` of every event: the contract's `{ id, tenantId, occurredAt, data }` plus its version. */
export function eventDetailSchema<T extends EventType>(type: T) {
  return z.object({
    id: z.string().regex(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/),
    /** `null` for hub-wide events (a courier joined, ...). */
    tenantId: z.string().nullable(),
    occurredAt: z.iso.datetime(),
    version: z.literal(eventCatalog[type].version),
    data: eventCatalog[type].data as (typeof eventCatalog)[T]['data'],
  });
}

export type EventDetail<T extends EventType = EventType> = {
  id: string;
  tenantId: string | null;
  occurredAt: string;
  version: number;
  data: EventData<T>;
};

/** The EventBridge envelope a target receives (what Lambda gets from a rule). */
export const eventEnvelopeSchema = z.object({
  version: z.string(),
  id: z.string(),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: z.unknown(),
});
export type EventEnvelope = z.output<typeof eventEnvelopeSchema>;

/** Parses an envelope received by a consumer, and its detail against the catalogue. */
export function parseEnvelope(input: unknown): { envelope: EventEnvelope; type: EventType; detail: EventDetail } {
  const envelope = eventEnvelopeSchema.parse(input);
  const type = envelope['detail-type'];
  if (!(type in eventCatalog)) throw new Error(`Unknown event type '${type}'`);
  const detail = eventDetailSchema(type as EventType).parse(envelope.detail) as EventDetail;
  return { envelope, type: type as EventType, detail };
}
