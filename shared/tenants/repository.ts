import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxEntry } from '../events/outbox.js';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { keys } from '../db/keys.js';
import { queryPage, type Page, type PageRequest } from '../db/pagination.js';
import { transact, writeOne, type WriteOptions } from '../db/transact.js';
import { isId } from '../ids.js';
import type { DefaultPickup, Tenant } from './schemas.js';
import { tenantRepositoryErrors } from './errors.js';


const ENTITY = 'tenant';

function toItem(tenant: Tenant): Record<string, unknown> {
  return { ...keys.tenant(tenant.id), ...keys.tenantListing(tenant.id), entity: ENTITY, ...tenant };
}

function fromItem(item: Record<string, unknown>): Tenant {
  const { id, name, kind, billingEmail, address, defaultPickup, status, createdAt } = item as Partial<Tenant> & Pick<Tenant, 'id' | 'name' | 'kind' | 'billingEmail' | 'address' | 'status' | 'createdAt'>;
  // Tenants created before default pickups existed have no such attribute.
  return { id, object: 'tenant', name, kind, billingEmail, address, defaultPickup: defaultPickup ?? null, status, createdAt };
}

export const tenantRepository = {
  /** The tenant and its `tenant.created` event, in one transaction. */
  async create(tenant: Tenant, event: OutboxEntry, options: WriteOptions = {}): Promise<void> {
    await transact(
      [{ Put: { TableName: config.tableName, Item: toItem(tenant), ConditionExpression: 'attribute_not_exists(pk)' } }, { Put: event.put }],
      () => new Error(`tenant ${tenant.id} exists already`),
      options,
    );
  },

  async get(tenantId: string): Promise<Tenant | undefined> {
    if (!isId('tenant', tenantId)) return undefined;
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.tenant(tenantId) }));
    return Item?.entity === ENTITY ? fromItem(Item) : undefined;
  },

  /** Saves the tenant's default pickup on its own item: read with the tenant, in the same GetItem. */
  async setDefaultPickup(tenantId: string, defaultPickup: DefaultPickup): Promise<void> {
    await writeOne(
      {
        Update: {
          TableName: config.tableName,
          Key: keys.tenant(tenantId),
          UpdateExpression: 'SET defaultPickup = :pickup',
          ConditionExpression: 'entity = :tenant',
          ExpressionAttributeValues: { ':pickup': defaultPickup, ':tenant': ENTITY },
        },
      },
      () => tenantRepositoryErrors.notFound('tenant', tenantId),
    );
  },

  async list(page: PageRequest): Promise<Page<Tenant>> {
    const result = await queryPage({ index: 'gsi1', partition: keys.tenantListingPartition(), page });
    return { ...result, data: result.data.map(fromItem) };
  },
};
