import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { config, EVENT_SOURCE } from '../config.js';
import { buildEventDetail, eventDetailSchema, type EventDataOf, type EventDefinition, type EventDetail, type EventDetailOf } from './definition.js';

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

/** Puts validated details on the bus, ten per call (the PutEvents limit). Throws if any entry failed. */
export async function publishDetails(entries: ReadonlyArray<{ definition: EventDefinition; detail: EventDetail }>): Promise<void> {
  for (let start = 0; start < entries.length; start += 10) {
    const batch = entries.slice(start, start + 10);
    for (const { definition, detail } of batch) eventDetailSchema(definition).parse(detail);
    const result = await eventBridge().send(
      new PutEventsCommand({
        Entries: batch.map(({ definition, detail }) => ({
          EventBusName: config.eventBusName,
          Source: EVENT_SOURCE,
          DetailType: definition.type,
          Detail: JSON.stringify(detail),
          Time: new Date(detail.occurredAt),
        })),
      }),
    );
    const failed = (result.Entries ?? []).map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.ErrorCode !== undefined);
    if ((result.FailedEntryCount ?? 0) > 0 || failed.length > 0) {
      const first = failed[0];
      throw new EventPublishError(
        `The bus refused ${failed.length || result.FailedEntryCount} event(s), first ${first ? batch[first.index]?.detail.id : '?'}: ${first?.entry.ErrorCode ?? 'unknown'} ${first?.entry.ErrorMessage ?? ''}`.trim(),
      );
    }
  }
}

/** Validates an event against its versioned schema and puts it on the bus. */
export async function publish<E extends EventDefinition>(definition: E, tenantId: string | null, data: EventDataOf<E>): Promise<EventDetailOf<E>> {
  const detail = buildEventDetail(definition, tenantId, data);
  await publishDetails([{ definition, detail }]);
  return detail;
}
