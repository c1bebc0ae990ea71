import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { eventCatalog, type EventDetail, type EventType } from '../../shared/events/catalog.js';
import { OUTBOX_ENTITY } from '../../shared/events/outbox.js';
import { publishDetails } from '../../shared/events/publish.js';
import { logger } from '../../shared/logging/logger.js';

const BATCH = 10;

/**
 * Relays outbox items from the table's stream to the bus, in stream order. When a put fails,
 * the first record not yet published is reported, so the stream retries from there: an event
 * may be published twice (consumers dedupe on its id), never lost.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const entries: Array<{ sequenceNumber: string; type: EventType; detail: EventDetail }> = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image) continue;
    const item = unmarshall(image as Record<string, AttributeValue>);
    if (item.entity !== OUTBOX_ENTITY || !(item.type in eventCatalog)) continue;
    entries.push({ sequenceNumber: record.dynamodb?.SequenceNumber ?? '', type: item.type as EventType, detail: JSON.parse(item.detail as string) as EventDetail });
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
