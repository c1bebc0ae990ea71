import { ttlCache } from '../cache.js';
import { logger } from '../logging/logger.js';
import { defaultCapacity, defaultServiceArea, HubCapacity, ServiceArea } from '../geo/service-area.js';
import { defaultRateCard, RateCard } from '../pricing/rate-card.js';
import { settingRepository, type SettingKey, type StoredSetting } from './repository.js';

/**
 * The hub's settings (rate card, service area, capacity) and each tenant's own rate card. They
 * change rarely and are read on every quote, so each Lambda container keeps them 30 s: a change
 * reaches every container within that time (the container that wrote it at once).
 */
export const SETTINGS_CACHE_MS = 30_000;

export interface PricingContext {
  rateCard: RateCard;
  rateCardSource: 'tenant' | 'hub';
  serviceArea: ServiceArea;
  capacity: HubCapacity;
}

const names = { rateCard: 'rate-card', serviceArea: 'service-area', capacity: 'capacity' } as const;
const cache = ttlCache<PricingContext>(SETTINGS_CACHE_MS);

interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };
}

/**
 * A stored setting, read with the schema its PUT validates with. A value stored before that
 * schema was tightened (or damaged) no longer parses: the read falls back to what applies when
 * nothing is stored (the hub's default; for a tenant's rate card, the hub's rate card) and logs
 * an error naming the setting, rather than throwing, which would make every quote a 500 until
 * someone fixed the table by hand. A lenient "stored" schema would keep the old value, but
 * pricing relies on exactly what the request schema checks (integer cents, ascending tiers,
 * storable bounds): a value it no longer accepts cannot be trusted to price right. The default
 * is always valid, the log says what to re-save (`PUT` the setting again), and `GET` of the
 * setting shows what is in force meanwhile.
 */
function decode<T>(name: string, which: SettingKey, item: StoredSetting | undefined, schema: Schema<T>): T | undefined {
  if (!item || typeof item.value !== 'string') return undefined;
  // Which one to set again: the hub's, or which tenant's.
  const key = 'hub' in which ? `hub ${which.hub}` : `tenant ${which.tenantRateCard} rate-card`;
  let stored: unknown;
  try {
    stored = JSON.parse(item.value);
  } catch {
    logger.error('stored setting is not JSON: using the default until it is set again', { setting: name, key });
    return undefined;
  }
  const parsed = schema.safeParse(stored);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);
  logger.error('stored setting no longer passes its schema: using the default until it is set again', { setting: name, key, issues });
  return undefined;
}

/** Everything pricing needs for one tenant: one BatchGetItem, then memory for 30 s. */
export function pricingContext(tenantId: string): Promise<PricingContext> {
  return cache.get(tenantId, async () => {
    const which = { hubCard: { hub: names.rateCard }, area: { hub: names.serviceArea }, capacity: { hub: names.capacity }, tenantCard: { tenantRateCard: tenantId } };
    const [hubCard, area, capacity, tenantCard] = await settingRepository.getMany([which.hubCard, which.area, which.capacity, which.tenantCard]);
    const ownCard = decode('tenant rate card', which.tenantCard, tenantCard, RateCard);
    return {
      rateCard: ownCard ?? decode('hub rate card', which.hubCard, hubCard, RateCard) ?? defaultRateCard,
      rateCardSource: ownCard ? 'tenant' : 'hub',
      serviceArea: decode('service area', which.area, area, ServiceArea) ?? defaultServiceArea,
      capacity: decode('capacity', which.capacity, capacity, HubCapacity) ?? defaultCapacity,
    };
  });
}

/** The hub's own settings, whatever any tenant has. */
export function hubDefaults(): Promise<PricingContext> {
  return pricingContext('hub');
}

async function put(which: SettingKey, value: unknown): Promise<string> {
  const updatedAt = new Date().toISOString();
  await settingRepository.put(which, JSON.stringify(value), updatedAt);
  cache.clear();
  return updatedAt;
}

export const hubSettings = {
  putHubRateCard: (rateCard: RateCard) => put({ hub: names.rateCard }, rateCard),
  putTenantRateCard: (tenantId: string, rateCard: RateCard) => put({ tenantRateCard: tenantId }, rateCard),
  putServiceArea: (area: ServiceArea) => put({ hub: names.serviceArea }, area),
  putCapacity: (capacity: HubCapacity) => put({ hub: names.capacity }, capacity),
};
