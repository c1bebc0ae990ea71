import { defineEntity } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { isId } from '../ids.js';
import type { Courier } from './schemas.js';

/** Every courier of the hub, oldest first (ULIDs sort by creation time). */
const COURIERS = 'COURIERS';

export const couriers = defineEntity<Courier, Pick<Courier, 'id'>>({
  name: 'courier',
  key: ({ id }) => ({ pk: `COURIER#${id}`, sk: 'COURIER' }),
  indexes: ({ id }) => ({ gsi1pk: COURIERS, gsi1sk: id }),
});

export const courierRepository = {
  /** A new courier, for the transaction that also writes its key and its event. */
  create(courier: Courier): TransactItem {
    return couriers.create(courier);
  },

  /** "This courier exists", checked in the caller's transaction (an assignment to it). */
  exists(courierId: string): TransactItem {
    return couriers.check({ id: courierId });
  },

  async get(courierId: string): Promise<Courier | undefined> {
    if (!isId('courier', courierId)) return undefined;
    return couriers.get({ id: courierId });
  },

  /** Every courier of the hub, oldest first: one Query on the listing index. */
  async list(page: PageRequest): Promise<Page<Courier>> {
    return couriers.query({ partition: { gsi1pk: COURIERS }, page });
  },
};
