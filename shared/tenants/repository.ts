import { changes, defineEntity, tenantKey } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { writeOne } from '../db/transact.js';
import { isId } from '../ids.js';
import type { DefaultPickup, Tenant } from './schemas.js';
import { tenantRepositoryErrors } from './errors.js';

/** All tenants, oldest first (ULIDs sort by creation time): few items, one partition is fine. */
const TENANTS = 'TENANTS';

export const tenants = defineEntity<Tenant, Pick<Tenant, 'id'>>({
  name: 'tenant',
  key: ({ id }) => ({ pk: tenantKey(id), sk: 'TENANT' }),
  indexes: ({ id }) => ({ gsi1pk: TENANTS, gsi1sk: id }),
  parse: (item) => {
    const { id, name, kind, billingEmail, address, siren, vatNumber, defaultPickup, status, createdAt } = item as Partial<Tenant> & Pick<Tenant, 'id' | 'name' | 'kind' | 'billingEmail' | 'address' | 'status' | 'createdAt'>;
    // Tenants created before default pickups existed have no such attribute.
    return { id, object: 'tenant', name, kind, billingEmail, address, ...(siren ? { siren } : {}), ...(vatNumber ? { vatNumber } : {}), defaultPickup: defaultPickup ?? null, status, createdAt };
  },
});

export const tenantRepository = {
  /** A new tenant, for the transaction that also writes its `tenant.created` event. */
  create(tenant: Tenant): TransactItem {
    return tenants.create(tenant);
  },

  async get(tenantId: string): Promise<Tenant | undefined> {
    if (!isId('tenant', tenantId)) return undefined;
    return tenants.get({ id: tenantId });
  },

  /** Saves the tenant's default pickup on its own item: read with the tenant, in the same GetItem. */
  async setDefaultPickup(tenantId: string, defaultPickup: DefaultPickup): Promise<void> {
    await writeOne(tenants.update({ id: tenantId }, changes({ set: { defaultPickup } })), () => tenantRepositoryErrors.notFound('tenant', tenantId));
  },

  async list(page: PageRequest): Promise<Page<Tenant>> {
    return tenants.query({ partition: { gsi1pk: TENANTS }, page });
  },
};
