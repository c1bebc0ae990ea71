import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/consumers/outbox-relay.js';
import { outboxEntry } from '../../shared/events/outbox.js';
import { matchesEventPattern } from '../../shared/events/pattern.js';
import { outboxRelay } from '../../shared/app/rules.js';
import { setEventBridge } from '../../shared/events/publish.js';
import { tenantEvents } from '../../shared/tenants/events.js';

const bus = mockClient(EventBridgeClient);

const record = (item: Record<string, unknown>, sequence: string, eventName: 'INSERT' | 'MODIFY' = 'INSERT'): DynamoDBRecord => ({
  eventName,
  eventSource: 'aws:dynamodb',
  dynamodb: { SequenceNumber: sequence, NewImage: marshall(item, { removeUndefinedValues: true }) as never },
});
const outboxRecord = (sequence: string, name: string) => record(outboxEntry(tenantEvents.tenantCreated, 'ten_1', { tenantId: 'ten_1', name, kind: 'shop' }).create.Put!.Item!, sequence);

beforeEach(() => {
  bus.reset();
  setEventBridge(new EventBridgeClient({ region: 'eu-west-3' }));
});
afterEach(() => setEventBridge(undefined));

describe('outbox relay', () => {
  it('puts every outbox insert on the bus, in order, and nothing else', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }, { EventId: '2' }] });
    const result = await handler({ Records: [outboxRecord('1', 'A'), record({ entity: 'tenant', name: 'x' }, '2'), outboxRecord('3', 'B'), record({ entity: 'outbox' }, '4', 'MODIFY')] });
    expect(result.batchItemFailures).toEqual([]);
    const entries = bus.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entries.map((entry) => JSON.parse(entry.Detail ?? '{}').data.name)).toEqual(['A', 'B']);
    expect(entries.every((entry) => entry.Source === 'delivery-hub' && entry.DetailType === 'tenant.created')).toBe(true);
  });

  it('reports the first record of a refused batch so the stream retries from there', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });
    const result = await handler({ Records: [outboxRecord('10', 'A'), outboxRecord('11', 'B')] });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '10' }]);
  });

  it('reports a failure when the bus cannot be reached at all', async () => {
    bus.on(PutEventsCommand).rejects(new Error('ECONNREFUSED'));
    expect((await handler({ Records: [outboxRecord('20', 'A')] })).batchItemFailures).toEqual([{ itemIdentifier: '20' }]);
  });

  it('sends batches of at most ten', async () => {
    bus.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) }));
    await handler({ Records: Array.from({ length: 23 }, (_, index) => outboxRecord(String(index), `T${index}`)) });
    expect(bus.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
  });

  it('uses a stream filter that selects outbox inserts only', () => {
    expect(matchesEventPattern(outboxRelay.filter, outboxRecord('1', 'A'))).toBe(true);
    expect(matchesEventPattern(outboxRelay.filter, record({ entity: 'tenant' }, '2'))).toBe(false);
    expect(matchesEventPattern(outboxRelay.filter, record({ entity: 'outbox' }, '3', 'MODIFY'))).toBe(false);
  });
});
