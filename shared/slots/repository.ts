import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeTime } from 'ulid';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { keys } from '../db/keys.js';
import { isId, newUlid } from '../ids.js';
import { parisDate } from './local-time.js';
import type { Slot } from './schemas.js';

export { HUB_TIME_ZONE } from './local-time.js';

export interface StoredSlot {
  id: string;
  date: string;
  start: string;
  end: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  taken: number;
}

/**
 * A slot id is a ULID whose time part is the slot's start: the id alone says which day's
 * partition holds the slot, so booking needs no lookup index.
 */
export function newSlotId(startsAt: Date): string {
  return `slt_${newUlid(startsAt.getTime())}`;
}

export function slotDate(slotId: string): string | undefined {
  if (!isId('slot', slotId)) return undefined;
  try {
    return parisDate(new Date(decodeTime(slotId.slice(4))));
  } catch {
    return undefined;
  }
}

export function slotView(slot: StoredSlot): Slot {
  return {
    id: slot.id,
    object: 'slot',
    date: slot.date,
    start: slot.start,
    end: slot.end,
    startsAt: slot.startsAt,
    endsAt: slot.endsAt,
    capacity: slot.capacity,
    remaining: Math.max(0, slot.capacity - slot.taken),
  };
}

function fromItem(item: Record<string, unknown>): StoredSlot {
  const { id, date, start, end, startsAt, endsAt, capacity, taken } = item as unknown as StoredSlot;
  return { id, date, start, end, startsAt, endsAt, capacity, taken };
}

export const slotRepository = {
  async listDay(date: string): Promise<StoredSlot[]> {
    const { Items } = await db().send(
      new QueryCommand({ TableName: config.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.slotDay(date).pk }, ConsistentRead: true }),
    );
    return (Items ?? []).map(fromItem).sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end));
  },

  async get(slotId: string): Promise<StoredSlot | undefined> {
    const date = slotDate(slotId);
    if (!date) return undefined;
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.slot(date, slotId), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  },

  /** Takes one unit, in the caller's transaction: never beyond capacity, whatever the concurrency. */
  takeUnit(slot: Pick<StoredSlot, 'id' | 'date'>) {
    return {
      Update: {
        TableName: config.tableName,
        Key: keys.slot(slot.date, slot.id),
        UpdateExpression: 'SET #taken = #taken + :one',
        ConditionExpression: 'attribute_exists(pk) AND #taken < #capacity',
        ExpressionAttributeNames: { '#taken': 'taken', '#capacity': 'capacity' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    };
  },

  /** Gives a unit back (a cancelled booking), in the caller's transaction. */
  releaseUnit(slot: Pick<StoredSlot, 'id' | 'date'>) {
    return {
      Update: {
        TableName: config.tableName,
        Key: keys.slot(slot.date, slot.id),
        UpdateExpression: 'SET #taken = #taken - :one',
        ConditionExpression: 'attribute_exists(pk) AND #taken > :zero',
        ExpressionAttributeNames: { '#taken': 'taken' },
        ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
      },
    };
  },
};
