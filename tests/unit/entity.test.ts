import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { config } from '../../shared/config.js';
import { setDb } from '../../shared/db/client.js';
import { allOf, anyOf, changes, defineEntity, itemAbsent, tenantKey } from '../../shared/db/entity.js';

const document = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-3' }));
const table = mockClient(document);

beforeEach(() => {
  table.reset();
  setDb(document);
});
afterEach(() => setDb(undefined));

interface Parcel {
  tenantId: string;
  id: string;
  status: 'waiting' | 'gone';
  weightKg: number;
  version: number;
  /** Known to the key only. */
  shelf?: string;
}

const parcels = defineEntity<Parcel, Pick<Parcel, 'tenantId' | 'id'>>({
  name: 'parcel',
  key: ({ tenantId, id }) => ({ pk: `${tenantKey(tenantId)}#PARCEL#${id}`, sk: 'PARCEL' }),
  indexes: ({ tenantId, id, status }) => ({ gsi1pk: `${tenantKey(tenantId)}#PARCELS`, gsi1sk: id, ...(status === 'waiting' ? { gsi3pk: 'WAITING', gsi3sk: id } : {}) }),
  ttl: ({ weightKg }) => 1_000 + weightKg,
  versioned: true,
});

const parcel: Parcel = { tenantId: 'ten_1', id: 'prc_1', status: 'waiting', weightKg: 3, version: 1 };

describe('an entity', () => {
  it('is stored with its key, its index keys, its tag and its expiry, and read back without them', () => {
    const item = parcels.item(parcel);
    expect(item).toEqual({ pk: 'T#ten_1#PARCEL#prc_1', sk: 'PARCEL', gsi1pk: 'T#ten_1#PARCELS', gsi1sk: 'prc_1', gsi3pk: 'WAITING', gsi3sk: 'prc_1', entity: 'parcel', ttl: 1_003, ...parcel });
    expect(parcels.fromItem(item)).toEqual(parcel);
    // A sparse index: a parcel gone is out of the waiting list.
    expect(parcels.item({ ...parcel, status: 'gone' })).not.toHaveProperty('gsi3pk');
  });

  it('trusts only its own items', () => {
    expect(parcels.fromItem({ ...parcels.item(parcel), entity: 'delivery' })).toBeUndefined();
    expect(parcels.fromItem(undefined)).toBeUndefined();
  });

  it('creates only what does not exist', () => {
    expect(parcels.create(parcel)).toEqual({ Put: { TableName: config.tableName, Item: parcels.item(parcel), ConditionExpression: 'attribute_not_exists(pk)' } });
  });

  it('replaces a versioned item only over the version read, and refuses to replace it blind', () => {
    expect(parcels.replace({ ...parcel, version: 2 }, 1).Put).toMatchObject({
      ConditionExpression: '#version = :previous',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':previous': 1 },
    });
    expect(() => parcels.replace(parcel)).toThrow(/versioned/);
  });

  it('updates, deletes and checks only an item that exists, and meets the repository\'s condition', () => {
    const waiting = { expression: '#status = :waiting', names: { '#status': 'status' }, values: { ':waiting': 'waiting' } };
    const update = parcels.update(parcel, changes({ set: { status: 'gone' }, remove: ['shelf'], add: { weightKg: 1 } }), waiting, { returnOld: true }).Update;
    expect(update).toEqual({
      TableName: config.tableName,
      Key: parcels.key(parcel),
      UpdateExpression: 'SET #status = :set0 REMOVE #shelf ADD #weightKg :add0',
      ConditionExpression: 'attribute_exists(pk) AND #status = :waiting',
      ExpressionAttributeNames: { '#status': 'status', '#shelf': 'shelf', '#weightKg': 'weightKg' },
      ExpressionAttributeValues: { ':set0': 'gone', ':add0': 1, ':waiting': 'waiting' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(parcels.delete(parcel).Delete).toEqual({ TableName: config.tableName, Key: parcels.key(parcel), ConditionExpression: 'attribute_exists(pk)' });
    expect(parcels.check(parcel, waiting).ConditionCheck).toMatchObject({ ConditionExpression: 'attribute_exists(pk) AND #status = :waiting' });
  });

  it('puts over anything, or under the repository\'s own condition', () => {
    expect(parcels.put(parcel).Put).toEqual({ TableName: config.tableName, Item: parcels.item(parcel) });
    const abandoned = { expression: '#status = :gone AND weightKg < :max', names: { '#status': 'status' }, values: { ':gone': 'gone', ':max': 5 } };
    expect(parcels.put(parcel, anyOf(itemAbsent, abandoned)).Put?.ConditionExpression).toBe('attribute_not_exists(pk) OR (#status = :gone AND weightKg < :max)');
  });

  it('refuses two meanings for one placeholder', () => {
    expect(() => allOf({ expression: 'a = :x', values: { ':x': 1 } }, { expression: 'b = :x', values: { ':x': 2 } })).toThrow(/:x/);
    expect(allOf({ expression: 'a = :x OR b = :y', values: { ':x': 1, ':y': 2 } }, { expression: 'c = :x', values: { ':x': 1 } }).expression).toBe('(a = :x OR b = :y) AND c = :x');
  });
});

describe('reading an entity', () => {
  it('by key answers the item with its key fields, or nothing for another entity', async () => {
    table.on(GetCommand, { Key: parcels.key(parcel) }).resolvesOnce({ Item: parcels.item(parcel) }).resolvesOnce({ Item: { ...parcels.key(parcel), entity: 'other' } });
    expect(await parcels.get(parcel, { consistent: true })).toEqual(parcel);
    expect(await parcels.get(parcel)).toBeUndefined();
    expect(table.commandCalls(GetCommand).map((call) => call.args[0].input.ConsistentRead)).toEqual([true, undefined]);
  });

  it('several at once answers them in the order asked, asking again for what was left unprocessed', async () => {
    const other = { ...parcel, id: 'prc_2' };
    table
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [config.tableName]: [parcels.item(other)] }, UnprocessedKeys: { [config.tableName]: { Keys: [parcels.key(parcel)] } } })
      .resolvesOnce({ Responses: { [config.tableName]: [parcels.item(parcel)] } });
    expect(await parcels.getMany([parcel, { tenantId: 'ten_1', id: 'prc_3' }, other])).toEqual([parcel, undefined, other]);
    expect(table.commandCalls(BatchGetCommand)).toHaveLength(2);
  });

  it('by partition names the index from the partition, the partition first, and stops at the limit', async () => {
    table.on(QueryCommand).resolves({ Items: [parcels.item(parcel)], LastEvaluatedKey: parcels.key(parcel) });
    expect(await parcels.queryAll({ partition: { gsi3pk: 'WAITING' }, range: { atMost: 'prc_9' }, limit: 1 })).toEqual([parcel]);
    const [call] = table.commandCalls(QueryCommand);
    expect(call?.args[0].input).toMatchObject({
      IndexName: 'gsi3',
      KeyConditionExpression: '#p = :p AND #s <= :s',
      ExpressionAttributeNames: { '#p': 'gsi3pk', '#s': 'gsi3sk' },
      ExpressionAttributeValues: { ':p': 'WAITING', ':s': 'prc_9' },
      Limit: 1,
    });
    expect(Object.keys(call?.args[0].input.ExpressionAttributeValues ?? {})[0]).toBe(':p');
    expect(table.commandCalls(QueryCommand)).toHaveLength(1);
  });
});
