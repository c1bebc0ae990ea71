import * as z from 'zod';
import { ttlCache } from '../cache.js';
import { activeGeocoder } from '../geo/adapters.js';
import { resolveCoordinates } from '../geo/geocoder.js';
import { Address, text, Timestamp } from '../schemas/common.js';
import { settingRepository } from './repository.js';

/**
 * The hub's depot: where rounds start and end unless a shift says otherwise, where failed
 * parcels come back to and new attempts leave from. Until the hub sets it, the cooperative's
 * premises in Saint-Étienne (the default below, `source: default`).
 */
export const DepotBody = z.strictObject({ name: text(200), address: Address }).meta({ id: 'DepotRequest' });
export type DepotBody = z.output<typeof DepotBody>;

export const Depot = z
  .object({
    object: z.literal('depot'),
    name: z.string(),
    address: z.object({ line1: z.string(), line2: z.string().optional(), postcode: z.string(), city: z.string(), country: z.literal('FR'), lat: z.number(), lng: z.number() }),
    source: z.enum(['hub', 'default']),
    updatedAt: Timestamp.nullable(),
  })
  .meta({ id: 'Depot' });
export type Depot = z.output<typeof Depot>;

export const defaultDepot: Depot = {
  object: 'depot',
  name: 'Hub des coursiers',
  address: { line1: '10 rue Balay', postcode: '42000', city: 'Saint-Étienne', country: 'FR', lat: 45.4375, lng: 4.3861 },
  source: 'default',
  updatedAt: null,
};

const which = { hub: 'depot' };
const cache = ttlCache<Depot>(30_000);
const Stored = Depot.omit({ object: true, source: true });

export function getDepot(): Promise<Depot> {
  return cache.get('depot', async () => {
    const item = await settingRepository.get(which);
    if (!item) return defaultDepot;
    const parsed = Stored.safeParse(JSON.parse(item.value));
    return parsed.success ? { object: 'depot', source: 'hub', ...parsed.data } : defaultDepot;
  });
}

export async function setDepot(body: DepotBody, now = new Date()): Promise<Depot> {
  const coordinates = await resolveCoordinates(body.address, activeGeocoder(), 'address');
  const depot: Depot = { object: 'depot', name: body.name, address: { ...body.address, ...coordinates }, source: 'hub', updatedAt: now.toISOString() };
  await settingRepository.put(which, JSON.stringify({ name: depot.name, address: depot.address, updatedAt: depot.updatedAt }), depot.updatedAt as string);
  cache.clear();
  return depot;
}
