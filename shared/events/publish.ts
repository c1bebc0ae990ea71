import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { config, EVENT_SOURCE } from '../config.js';
import { newId } from '../ids.js';
import { eventDetailSchema, eventCatalog, type EventData, type EventDetail, type EventType } from './catalog.js';

let client: EventBridgeClient | undefined;

/** Created on first use; the endpoint comes from `AWS_ENDPOINT_URL_EVENTBRIDGE` when set (local bus). */
export function eventBridge(): EventBridgeClient {
  client ??= new EventBridgeClient({ maxAttempts: 3 });
  return client;
}

export function setEventBridge(replacement: EventBridgeClient | undefined): void {
  client = replacement;
}

export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';
}

/** Builds a validated detail; throws (a programming error) when the data does not fit its schema. */
export function buildEventDetail<T extends EventType>(type: T, tenantId: string | null, data: EventData<T>, now = new Date()): EventDetail<T> {
  const detail = { id: newId('event', now.getTime()), tenantId, occurredAt: now.toISOString(), version: eventCatalog[type].version, data };
  return eventDetailSchema(type).parse(detail) as EventDetail<T>;
}

/** Validates an event against its versioned schema and puts it on the bus. */
export async function publish<T extends EventType>(type: T, tenantId: string | null, data: EventData<T>): Promise<EventDetail<T>> {
  const detail = buildEventDetail(type, tenantId, data);
  const result = await eventBridge().send(
    new PutEventsCommand({
      Entries: [{ EventBusName: config.eventBusName, Source: EVENT_SOURCE, DetailType: type, Detail: JSON.stringify(detail), Time: new Date(detail.occurredAt) }],
    }),
  );
  const failed = result.Entries?.find((entry) => entry.ErrorCode !== undefined);
  if ((result.FailedEntryCount ?? 0) > 0 || failed) {
    throw new EventPublishError(`The bus refused ${type} ${detail.id}: ${failed?.ErrorCode ?? 'unknown'} ${failed?.ErrorMessage ?? ''}`.trim());
  }
  return detail;
}
