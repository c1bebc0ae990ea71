import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { eventCatalog } from '../../shared/app/events.js';
import type { EventDefinition, EventDetail } from '../../shared/events/definition.js';
import { outboxRecords } from '../../shared/events/outbox.js';
import { publishDetails } from '../../shared/events/publish.js';
import { logger } from '../../shared/logging/logger.js';

const BATCH = 10;

/**
 * Relays outbox items from the table's stream to the bus, in stream order. When a put fails,
 * the first record not yet published is reported, so the stream retries from there: an event
 * may be published twice (consumers dedupe on its id), never lost. An item of a type the
 * catalogue does not know (written by a newer version during a deploy) is left to that version.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const entries: Array<{ sequenceNumber: string; definition: EventDefinition; detail: EventDetail }> = [];
  for (const record of outboxRecords(event)) {
    const definition = eventCatalog[record.type];
    if (definition) entries.push({ sequenceNumber: record.sequenceNumber, definition, detail: record.detail as EventDetail });
  }
  for (let start = 0; start < entries.length; start += BATCH) {
    const batch = entries.slice(start, start + BATCH);
    try {
      await publishDetails(batch);
    } catch (error) {
      const first = batch[0] as (typeof batch)[number];
      logger.warn('outbox relay: bus refused, will retry', { eventId: first.detail.id, error: String(error) });
      return { batchItemFailures: [{ itemIdentifier: first.sequenceNumber }] };
    }
  }
  if (entries.length > 0) logger.debug('outbox relayed', { count: entries.length });
  return { batchItemFailures: [] };
};
