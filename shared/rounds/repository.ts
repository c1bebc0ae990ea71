import { defineEntity } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';

/**
 * The order the hub chose for a courier's stops on a day. Only the order is stored: which
 * deliveries are on the round is each delivery's `courierId` and day, so a cancelled or
 * reassigned delivery leaves the round without anyone rewriting it, and a delivery assigned
 * without an order goes at the end.
 */
export interface StoredRound {
  courierId: string;
  date: string;
  stops: Array<{ deliveryId: string; type: 'pickup' | 'dropoff' }>;
  version: number;
  updatedAt: string;
}

export const rounds = defineEntity<StoredRound, Pick<StoredRound, 'courierId' | 'date'>>({
  name: 'round',
  key: ({ courierId, date }) => ({ pk: `COURIER#${courierId}`, sk: `ROUND#${date}` }),
  versioned: true,
});

export const roundRepository = {
  async get(courierId: string, date: string, consistent = false): Promise<StoredRound | undefined> {
    return rounds.get({ courierId, date }, { consistent });
  },

  async getMany(keys: ReadonlyArray<{ courierId: string; date: string }>): Promise<Array<StoredRound | undefined>> {
    return rounds.getMany(keys);
  },

  /** The next order, over the version read (a new round when none was stored: version 0). */
  save(round: StoredRound, previousVersion: number): TransactItem {
    return previousVersion === 0 ? rounds.create(round) : rounds.replace(round, previousVersion);
  },
};
