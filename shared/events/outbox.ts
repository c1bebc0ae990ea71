import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { defineEntity, tenantKey } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import { HUB_SCOPE } from './scope.js';
import { buildEventDetail, type EventDataOf, type EventDefinition, type EventDetailOf } from './definition.js';

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

interface OutboxItem {
  /** The tenant whose change it is, or the hub's scope. */
  scope: string;
  id: string;
  type: string;
  version: number;
  /** The detail as the bus will carry it. */
  detail: string;
  occurredAt: string;
}

export const outboxItems = defineEntity<OutboxItem, Pick<OutboxItem, 'scope' | 'id'>>({
  name: OUTBOX_ENTITY,
  key: ({ scope, id }) => ({ pk: `${tenantKey(scope)}#OUTBOX#${id}`, sk: 'OUTBOX' }),
  stored: ({ type, version, detail }) => ({ type, version, detail }),
  ttl: ({ occurredAt }) => Math.floor(Date.parse(occurredAt) / 1000) + OUTBOX_RETENTION_SECONDS,
});

export interface OutboxEntry<E extends EventDefinition = EventDefinition> {
  detail: EventDetailOf<E>;
  /** The outbox item's creation, for the transaction of the state change: written with it or not at all. */
  create: TransactItem;
}

/**
 * An event to publish, validated against its versioned schema now, written in the caller's
 * transaction, and relayed to the bus from the table's stream (DynamoDB Streams → relay Lambda
 * in AWS, the local stream poller on a laptop). If the bus is down, the state is written and
 * the event waits in the stream: it is never lost, and never published for a write that failed.
 */
export function outboxEntry<E extends EventDefinition>(definition: E, tenantId: string | null, data: EventDataOf<E>, now = new Date()): OutboxEntry<E> {
  const detail = buildEventDetail(definition, tenantId, data, now);
  return {
    detail,
    create: outboxItems.create({
      scope: tenantId ?? HUB_SCOPE,
      id: detail.id,
      type: definition.type,
      version: definition.version,
      detail: JSON.stringify(detail),
      occurredAt: now.toISOString(),
    }),
  };
}

/** An outbox item as the table's stream carries it: its position, its type and its detail. */
export interface OutboxRecord {
  sequenceNumber: string;
  type: string;
  detail: unknown;
}

/** The outbox items a batch of stream records inserted, in stream order (other records are not events). */
export function outboxRecords(event: DynamoDBStreamEvent): OutboxRecord[] {
  const records: OutboxRecord[] = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image) continue;
    const item = unmarshall(image as Record<string, AttributeValue>);
    if (item.entity !== OUTBOX_ENTITY) continue;
    records.push({ sequenceNumber: record.dynamodb?.SequenceNumber ?? '', type: String(item.type), detail: JSON.parse(String(item.detail)) as unknown });
  }
  return records;
}
