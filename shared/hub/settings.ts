import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ttlCache } from '../cache.js';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { keys } from '../db/keys.js';
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

function decode<T>(item: Record<string, unknown> | undefined, schema: { parse(value: unknown): T }, fallback: T): T {
  if (!item || typeof item.value !== 'string') return fallback;
  return schema.parse(JSON.parse(item.value));
}

/** Everything pricing needs for one tenant: one BatchGetItem, then memory for 30 s. */
export function pricingContext(tenantId: string): Promise<PricingContext> {
  return cache.get(tenantId, async () => {
    const wanted = [keys.hubSetting(names.rateCard), keys.hubSetting(names.serviceArea), keys.hubSetting(names.capacity), keys.tenantRateCard(tenantId)];
    const result = await db().send(new BatchGetCommand({ RequestItems: { [config.tableName]: { Keys: wanted } } }));
    const items = result.Responses?.[config.tableName] ?? [];
    const find = (key: { pk: string; sk: string }) => items.find((item) => item.pk === key.pk && item.sk === key.sk);
    const tenantCard = find(keys.tenantRateCard(tenantId));
    return {
      rateCard: tenantCard ? decode(tenantCard, RateCard, defaultRateCard) : decode(find(keys.hubSetting(names.rateCard)), RateCard, defaultRateCard),
      rateCardSource: tenantCard ? 'tenant' : 'hub',
      serviceArea: decode(find(keys.hubSetting(names.serviceArea)), ServiceArea, defaultServiceArea),
      capacity: decode(find(keys.hubSetting(names.capacity)), HubCapacity, defaultCapacity),
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
