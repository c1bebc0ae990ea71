import { changes, defineEntity } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { writeOne } from '../db/transact.js';
import { isId } from '../ids.js';
import { vehicleOf, type Shift, type StoredCourier } from './schemas.js';

/** Every courier of the hub, oldest first (ULIDs sort by creation time). */
const COURIERS = 'COURIERS';

/** Couriers registered before vehicles and sign-in existed read as a cargo bike, without a person. */
function withDefaults(courier: StoredCourier): StoredCourier {
  return { ...courier, email: courier.email ?? null, userId: courier.userId ?? null, vehicle: courier.vehicle ?? vehicleOf(undefined) };
}

export const couriers = defineEntity<StoredCourier, Pick<StoredCourier, 'id'>>({
  name: 'courier',
  key: ({ id }) => ({ pk: `COURIER#${id}`, sk: 'COURIER' }),
  indexes: ({ id }) => ({ gsi1pk: COURIERS, gsi1sk: id }),
  parse: (attributes) => withDefaults(attributes as unknown as StoredCourier),
});

/** A courier's shifts, one per Paris day, beside the courier (sorted by day). */
export const shifts = defineEntity<Shift, Pick<Shift, 'courierId' | 'date'>>({
  name: 'shift',
  key: ({ courierId, date }) => ({ pk: `COURIER#${courierId}`, sk: `SHIFT#${date}` }),
});

export const courierRepository = {
  /** A new courier, for the transaction that also writes its key and its event. */
  create(courier: StoredCourier): TransactItem {
    return couriers.create(courier);
  },

  /** "This courier exists", checked in the caller's transaction (an assignment to it). */
  exists(courierId: string): TransactItem {
    return couriers.check({ id: courierId });
  },

  async get(courierId: string): Promise<StoredCourier | undefined> {
    if (!isId('courier', courierId)) return undefined;
    return couriers.get({ id: courierId });
  },

  async getMany(courierIds: readonly string[]): Promise<Array<StoredCourier | undefined>> {
    return couriers.getMany(courierIds.map((id) => ({ id })));
  },

  /** The courier with its name or vehicle changed (the whole item over the one that exists). */
  async save(courier: StoredCourier): Promise<void> {
    await writeOne(couriers.replace(courier), () => new Error(`courier ${courier.id} is gone`));
  },

  /** The last position, over the previous one: only the latest is ever kept. */
  async setPosition(courierId: string, position: { lat: number; lng: number; at: string }): Promise<void> {
    await writeOne(couriers.update({ id: courierId }, changes({ set: { lastPosition: position } })), () => new Error(`courier ${courierId} is gone`));
  },

  /** Every courier of the hub, oldest first: one Query on the listing index. */
  async list(page: PageRequest): Promise<Page<StoredCourier>> {
    return couriers.query({ partition: { gsi1pk: COURIERS }, page });
  },

  async listAll(): Promise<StoredCourier[]> {
    return couriers.queryAll({ partition: { gsi1pk: COURIERS } });
  },

  async getShift(courierId: string, date: string): Promise<Shift | undefined> {
    return shifts.get({ courierId, date });
  },

  async getShifts(keys: ReadonlyArray<{ courierId: string; date: string }>): Promise<Array<Shift | undefined>> {
    return shifts.getMany(keys);
  },

  /** A courier's shifts from one day to another (inclusive), by day. */
  async listShifts(courierId: string, from: string, to: string): Promise<Shift[]> {
    return shifts.queryAll({ partition: { pk: `COURIER#${courierId}` }, range: { between: [`SHIFT#${from}`, `SHIFT#${to}`] } });
  },

  async putShift(shift: Shift): Promise<void> {
    await writeOne(shifts.put(shift), () => new Error('An unconditional write was refused'));
  },

  async deleteShift(courierId: string, date: string): Promise<boolean> {
    try {
      await writeOne(shifts.delete({ courierId, date }), () => new Error('none'));
      return true;
    } catch {
      return false;
    }
  },
};
