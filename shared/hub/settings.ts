import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ttlCache } from '../cache.js';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { keys } from '../db/keys.js';
import { logger } from '../logging/logger.js';
import { defaultCapacity, defaultServiceArea, HubCapacity, ServiceArea } from '../geo/service-area.js';
import { defaultRateCard, RateCard } from '../pricing/rate-card.js';

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
function decode<T>(name: string, item: Record<string, unknown> | undefined, schema: Schema<T>): T | undefined {
  if (!item || typeof item.value !== 'string') return undefined;
  let stored: unknown;
  try {
    stored = JSON.parse(item.value);
  } catch {
    logger.error('stored setting is not JSON: using the default until it is set again', { setting: name, key: `${String(item.pk)} ${String(item.sk)}` });
    return undefined;
  }
  const parsed = schema.safeParse(stored);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);
  logger.error('stored setting no longer passes its schema: using the default until it is set again', { setting: name, key: `${String(item.pk)} ${String(item.sk)}`, issues });
  return undefined;
}

/** Everything pricing needs for one tenant: one BatchGetItem, then memory for 30 s. */
export function pricingContext(tenantId: string): Promise<PricingContext> {
  return cache.get(tenantId, async () => {
    const wanted = [keys.hubSetting(names.rateCard), keys.hubSetting(names.serviceArea), keys.hubSetting(names.capacity), keys.tenantRateCard(tenantId)];
    const result = await db().send(new BatchGetCommand({ RequestItems: { [config.tableName]: { Keys: wanted } } }));
    const items = result.Responses?.[config.tableName] ?? [];
    const find = (key: { pk: string; sk: string }) => items.find((item) => item.pk === key.pk && item.sk === key.sk);
    const tenantCard = decode('tenant rate card', find(keys.tenantRateCard(tenantId)), RateCard);
    return {
      rateCard: tenantCard ?? decode('hub rate card', find(keys.hubSetting(names.rateCard)), RateCard) ?? defaultRateCard,
      rateCardSource: tenantCard ? 'tenant' : 'hub',
      serviceArea: decode('service area', find(keys.hubSetting(names.serviceArea)), ServiceArea) ?? defaultServiceArea,
      capacity: decode('capacity', find(keys.hubSetting(names.capacity)), HubCapacity) ?? defaultCapacity,
    };
  });
}

/** The hub's own settings, whatever any tenant has. */
export function hubDefaults(): Promise<PricingContext> {
  return pricingContext('hub');
}

async function put(key: { pk: string; sk: string }, value: unknown): Promise<string> {
  const updatedAt = new Date().toISOString();
  await db().send(new PutCommand({ TableName: config.tableName, Item: { ...key, entity: 'setting', value: JSON.stringify(value), updatedAt } }));
  cache.clear();
  return updatedAt;
}

export const hubSettings = {
  putHubRateCard: (rateCard: RateCard) => put(keys.hubSetting(names.rateCard), rateCard),
  putTenantRateCard: (tenantId: string, rateCard: RateCard) => put(keys.tenantRateCard(tenantId), rateCard),
  putServiceArea: (area: ServiceArea) => put(keys.hubSetting(names.serviceArea), area),
  putCapacity: (capacity: HubCapacity) => put(keys.hubSetting(names.capacity), capacity),
};
