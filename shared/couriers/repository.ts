import { defineEntity } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { writeIf, writeOne } from '../db/transact.js';
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

/**
 * A courier's last position: one item beside the courier, overwritten by each newer report, and
 * deleted by DynamoDB an hour after it was taken (tracking needs it for 10 minutes; nothing keeps
 * a courier's whereabouts beyond that).
 */
export const POSITION_KEPT_SECONDS = 3600;
interface StoredPosition {
  courierId: string;
  lat: number;
  lng: number;
  at: string;
}
export const positions = defineEntity<StoredPosition, Pick<StoredPosition, 'courierId'>>({
  name: 'courier_position',
  key: ({ courierId }) => ({ pk: `COURIER#${courierId}`, sk: 'POSITION' }),
  ttl: ({ at }) => Math.floor(Date.parse(at) / 1000) + POSITION_KEPT_SECONDS,
});

/** Couriers with their last position, read in one BatchGetItem. */
async function withPositions(list: StoredCourier[]): Promise<StoredCourier[]> {
  if (list.length === 0) return list;
  const found = await positions.getMany(list.map(({ id }) => ({ courierId: id })));
  const now = Date.now();
  return list.map((courier, index) => {
    const position = found[index];
    // Expired items linger until DynamoDB deletes them: a read checks the expiry itself.
    const live = position && Date.parse(position.at) + POSITION_KEPT_SECONDS * 1000 > now;
    return live ? { ...courier, lastPosition: { lat: position.lat, lng: position.lng, at: position.at } } : { ...courier, lastPosition: null };
  });
}

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
    const courier = await couriers.get({ id: courierId });
    return courier ? (await withPositions([courier]))[0] : undefined;
  },

  /** The courier with its name or vehicle changed (the whole item over the one that exists). */
  async save(courier: StoredCourier): Promise<void> {
    const { lastPosition: _position, ...stored } = courier;
    await writeOne(couriers.replace(stored), () => new Error(`courier ${courier.id} is gone`));
  },

  /** The last position, over an older one only: false when a later one is there already. */
  async setPosition(courierId: string, position: { lat: number; lng: number; at: string }): Promise<boolean> {
    return writeIf(positions.put({ courierId, ...position }, { expression: 'attribute_not_exists(pk) OR #at < :at', names: { '#at': 'at' }, values: { ':at': position.at } }));
  },

  /** Every courier of the hub, oldest first: one Query on the listing index. */
  async list(page: PageRequest): Promise<Page<StoredCourier>> {
    const found = await couriers.query({ partition: { gsi1pk: COURIERS }, page });
    return { ...found, data: await withPositions(found.data) };
  },

  async listAll(): Promise<StoredCourier[]> {
    return withPositions(await couriers.queryAll({ partition: { gsi1pk: COURIERS } }));
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
