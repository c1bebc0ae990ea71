import { defineEntity, tenantKey } from '../db/entity.js';
import { writeIf, writeOne } from '../db/transact.js';
import type { Page, PageRequest } from '../db/pagination.js';

/**
 * A stored setting: the hub's own (`rate-card`, `service-area`, `capacity`, Stripe references…)
 * or a tenant's rate card. The value is kept as the text it was stored as: whoever reads it
 * decides whether it still parses.
 */
export interface StoredSetting {
  value: string;
  updatedAt: string;
}

/** Which setting: one of the hub's, by name, or a tenant's own rate card. */
export type SettingKey = { hub: string } | { tenantRateCard: string };

export const settings = defineEntity<StoredSetting & SettingKey, SettingKey>({
  name: 'setting',
  // Hub-wide singletons share one partition; a tenant's rate card sits beside the tenant.
  key: (which) => ('hub' in which ? { pk: 'HUB', sk: `SETTING#${which.hub}` } : { pk: tenantKey(which.tenantRateCard), sk: 'RATECARD' }),
  stored: ({ value, updatedAt }) => ({ value, updatedAt }),
});

export const settingRepository = {
  /** Several settings in one BatchGetItem, in the order asked (undefined where none is stored). */
  async getMany(which: readonly SettingKey[]): Promise<Array<StoredSetting | undefined>> {
    return settings.getMany(which);
  },

  async get(which: SettingKey): Promise<StoredSetting | undefined> {
    return settings.get(which, { consistent: true });
  },

  /** Stores a setting over whatever was there. */
  async put(which: SettingKey, value: string, updatedAt: string): Promise<void> {
    await writeOne(settings.put({ ...which, value, updatedAt }), () => new Error('An unconditional write was refused'));
  },

  /** Stores a setting unless one is there already: false when one was (the first one stays). */
  async putIfAbsent(which: SettingKey, value: string, updatedAt: string): Promise<boolean> {
    return writeIf(settings.create({ ...which, value, updatedAt }));
  },
};

/** A collection point: a partner shop where recipients collect their parcels (the hub's list). */
export interface StoredCollectionPoint {
  id: string;
  name: string;
  address: { line1: string; line2?: string; postcode: string; city: string; country: 'FR'; lat: number; lng: number };
  openingHours: string | null;
  createdAt: string;
}

export const collectionPoints = defineEntity<StoredCollectionPoint, Pick<StoredCollectionPoint, 'id'>>({
  name: 'collection-point',
  // One partition for the hub's few dozen points, in the order they were created (ids sort by time).
  key: ({ id }) => ({ pk: 'HUB#CLP', sk: id }),
});

export const collectionPointRepository = {
  async create(point: StoredCollectionPoint): Promise<void> {
    await writeOne(collectionPoints.create(point), () => new Error(`collection point ${point.id} exists already`));
  },
  async get(id: string): Promise<StoredCollectionPoint | undefined> {
    return collectionPoints.get({ id }, { consistent: true });
  },
  async list(page: PageRequest): Promise<Page<StoredCollectionPoint>> {
    return collectionPoints.query({ partition: { pk: 'HUB#CLP' }, page });
  },
  /** Removes a point; false when there was none. */
  async remove(id: string): Promise<boolean> {
    return writeIf(collectionPoints.delete({ id }));
  },
};
