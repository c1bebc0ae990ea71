import { config } from '../config.js';
import { keys } from '../db/keys.js';
import { HUB_SCOPE } from './scope.js';
import { eventCatalog, type EventData, type EventDetail, type EventType } from './catalog.js';
import { buildEventDetail } from './publish.js';

/** Outbox items live a week: long enough for any relay outage, short enough to stay small. */
const OUTBOX_RETENTION_SECONDS = 7 * 24 * 3600;

export const OUTBOX_ENTITY = 'outbox';

/**
 * The filter the relay applies to the table's stream: only new outbox items. Written in the
 * event-pattern syntax that both Lambda event-source filters and our local poller understand.
 */
export const outboxStreamFilter = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { entity: { S: [OUTBOX_ENTITY] } } },
} as const;

export interface OutboxEntry<T extends EventType = EventType> {
  detail: EventDetail<T>;
  /** A `Put` for a TransactWriteItems: the event is written with the state change or not at all. */
  put: { TableName: string; Item: Record<string, unknown>; ConditionExpression: string };
}

/**
 * An event to publish, validated against its versioned schema now, written in the caller's
 * transaction, and relayed to the bus from the table's stream (DynamoDB Streams → relay Lambda
 * in AWS, the local stream poller on a laptop). If the bus is down, the state is written and
 * the event waits in the stream: it is never lost, and never published for a write that failed.
 */
export function outboxEntry<T extends EventType>(type: T, tenantId: string | null, data: EventData<T>, now = new Date()): OutboxEntry<T> {
  const detail = buildEventDetail(type, tenantId, data, now);
  return {
    detail,
    put: {
      TableName: config.tableName,
      Item: {
        ...keys.outbox(tenantId ?? HUB_SCOPE, detail.id),
        entity: OUTBOX_ENTITY,
        type,
        version: eventCatalog[type].version,
        detail: JSON.stringify(detail),
        ttl: Math.floor(now.getTime() / 1000) + OUTBOX_RETENTION_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
