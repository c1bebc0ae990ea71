import { newApiKeyItem, type IssuedKey } from '../auth/api-keys.js';
import { config } from '../config.js';
import { transact } from '../db/transact.js';
import { outboxEntry } from '../events/outbox.js';
import { newId } from '../ids.js';
import { tenantRepository } from './repository.js';
import type { CreateTenantBody, Tenant } from './schemas.js';
import { tenantErrors } from './errors.js';


export async function createTenant(input: CreateTenantBody, now = new Date()): Promise<Tenant> {
  const tenant: Tenant = {
    id: newId('tenant', now.getTime()),
    object: 'tenant',
    name: input.name,
    kind: input.kind,
    billingEmail: input.billingEmail,
    address: input.address,
    defaultPickup: null,
    status: 'active',
    createdAt: now.toISOString(),
  };
  await tenantRepository.create(tenant, outboxEntry('tenant.created', tenant.id, { tenantId: tenant.id, name: tenant.name, kind: tenant.kind }, now), { result: tenant });
  return tenant;
}

export async function getTenant(tenantId: string): Promise<Tenant> {
  const tenant = await tenantRepository.get(tenantId);
  if (!tenant) throw tenantErrors.notFound('tenant', tenantId);
  return tenant;
}

export async function issueTenantKey(tenantId: string, role: 'tenant' | 'accountant'): Promise<IssuedKey & { object: 'api_key'; tenantId: string }> {
  await getTenant(tenantId);
  const { issued, item } = newApiKeyItem({ role, tenantId });
  const event = outboxEntry('api_key.created', tenantId, { keyId: issued.id, role, ownerId: tenantId });
  const created = { object: 'api_key' as const, ...issued, tenantId };
  await transact(
    [{ Put: { TableName: config.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }, { Put: event.put }],
    () => new Error(`api key ${issued.id} exists already`),
    { result: created },
  );
  return created;
}
