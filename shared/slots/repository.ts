import { decodeTime } from 'ulid';
import { defineEntity } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
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

/** Pickup slots are the hub's: one partition per local date, the slot id as the sort key. */
const dayPartition = (date: string) => `SLOTS#${date}`;

export const slots = defineEntity<StoredSlot, Pick<StoredSlot, 'date' | 'id'>>({
  name: 'slot',
  key: ({ date, id }) => ({ pk: dayPartition(date), sk: id }),
  parse: (item) => {
    const { id, date, start, end, startsAt, endsAt, capacity, taken } = item as unknown as StoredSlot;
    return { id, date, start, end, startsAt, endsAt, capacity, taken };
  },
});

type SlotKey = Pick<StoredSlot, 'id' | 'date'>;

export const slotRepository = {
  async listDay(date: string): Promise<StoredSlot[]> {
    const day = await slots.queryAll({ partition: { pk: dayPartition(date) }, consistent: true });
    return day.sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end));
  },

  async get(slotId: string): Promise<StoredSlot | undefined> {
    const date = slotDate(slotId);
    if (!date) return undefined;
    return slots.get({ date, id: slotId }, { consistent: true });
  },

  /** A new slot, nobody booked yet. */
  create(slot: StoredSlot): TransactItem {
    return slots.create(slot);
  },

  /** A kept slot's new capacity: never below the bookings it has when the transaction commits. */
  setCapacity(slot: SlotKey, capacity: number): TransactItem {
    return slots.update(
      slot,
      { expression: 'SET #capacity = :capacity', names: { '#capacity': 'capacity' }, values: { ':capacity': capacity } },
      { expression: '#taken <= :capacity', names: { '#taken': 'taken' } },
    );
  },

  /** Removes a slot nobody booked, only if still nobody did when the transaction commits. */
  removeUnbooked(slot: SlotKey): TransactItem {
    return slots.delete(slot, { expression: '#taken = :zero', names: { '#taken': 'taken' }, values: { ':zero': 0 } });
  },

  /** Takes one unit, in the caller's transaction: never beyond capacity, whatever the concurrency. */
  takeUnit(slot: SlotKey): TransactItem {
    return slots.update(
      slot,
      { expression: 'SET #taken = #taken + :one', names: { '#taken': 'taken' }, values: { ':one': 1 } },
      { expression: '#taken < #capacity', names: { '#taken': 'taken', '#capacity': 'capacity' } },
      { returnOld: true },
    );
  },

  /** Gives a unit back (a cancelled booking), in the caller's transaction. */
  releaseUnit(slot: SlotKey): TransactItem {
    return slots.update(
      slot,
      { expression: 'SET #taken = #taken - :one', names: { '#taken': 'taken' }, values: { ':one': 1 } },
      { expression: '#taken > :zero', names: { '#taken': 'taken' }, values: { ':zero': 0 } },
    );
  },
};
