import * as z from 'zod';
import { newId } from '../ids.js';

/**
 * One event type: its name, the version of its `data` and the schema of that data. Each area
 * declares its own (`shared/<area>/events.ts`); the composition root lists them all
 * (`shared/app/events.ts`). Producers validate before writing; consumers parse with the same
 * schema. A breaking change to `data` is a new version, never an edit in place.
 */
export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly type: T;
  readonly version: number;
  readonly data: S;
  /**
   * A request between the hub's own functions, not a change a tenant should see: never sent to
   * tenants' webhooks nor kept in their audit trail (the bus archive still keeps it).
   */
  readonly internal: boolean;
}

export function defineEvent<const T extends string, S extends z.ZodType>(type: T, spec: { version: number; data: S; internal?: boolean }): EventDefinition<T, S> {
  return { type, version: spec.version, data: spec.data, internal: spec.internal ?? false };
}

/** The `detail` of every event: the contract's `{ id, tenantId, occurredAt, data }` plus its version. */
export interface EventDetail<D = unknown> {
  id: string;
  /** `null` for hub-wide events (a courier joined, ...). */
  tenantId: string | null;
  occurredAt: string;
  version: number;
  data: D;
}

export type EventDataOf<E extends EventDefinition> = z.output<E['data']>;
export type EventDetailOf<E extends EventDefinition> = EventDetail<EventDataOf<E>>;

const schemas = new WeakMap<EventDefinition, z.ZodType>();

/** The schema of an event's `detail`, made once per definition. */
export function eventDetailSchema<E extends EventDefinition>(definition: E): z.ZodType<EventDetailOf<E>> {
  let schema = schemas.get(definition);
  if (!schema) {
    schema = z.object({
      id: z.string().regex(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/),
      tenantId: z.string().nullable(),
      occurredAt: z.iso.datetime(),
      version: z.literal(definition.version),
      data: definition.data,
    });
    schemas.set(definition, schema);
  }
  return schema as z.ZodType<EventDetailOf<E>>;
}

/** Builds a validated detail; throws (a programming error) when the data does not fit its schema. */
export function buildEventDetail<E extends EventDefinition>(definition: E, tenantId: string | null, data: EventDataOf<E>, now = new Date()): EventDetailOf<E> {
  const detail = { id: newId('event', now.getTime()), tenantId, occurredAt: now.toISOString(), version: definition.version, data };
  return eventDetailSchema(definition).parse(detail);
}

/** Event definitions by type: the catalogue of the whole system, or of one consumer. */
export type EventCatalog = Readonly<Record<string, EventDefinition>>;

export function catalogOf(...groups: ReadonlyArray<Readonly<Record<string, EventDefinition>>>): EventCatalog {
  const catalog: Record<string, EventDefinition> = {};
  for (const definition of groups.flatMap((group) => Object.values(group))) {
    if (catalog[definition.type]) throw new Error(`The event type ${definition.type} is defined twice`);
    catalog[definition.type] = definition;
  }
  return catalog;
}
