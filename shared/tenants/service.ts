import { issueApiKey, type IssuedKey } from '../auth/api-keys.js';
import { notFound } from '../errors.js';
import { publish } from '../events/publish.js';
import { newId } from '../ids.js';
import { tenantRepository } from './repository.js';
import type { CreateTenantBody, Tenant } from './schemas.js';

export async function createTenant(input: CreateTenantBody, now = new Date()): Promise<Tenant> {
  const tenant: Tenant = {
    id: newId('tenant', now.getTime()),
    object: 'tenant',
    name: input.name,
    kind: input.kind,
    billingEmail: input.billingEmail,
    address: input.address,
    status: 'active',
    createdAt: now.toISOString(),
  };
  await tenantRepository.create(tenant);
  await publish('tenant.created', tenant.id, { tenantId: tenant.id, name: tenant.name, kind: tenant.kind });
  return tenant;
}

export async function getTenant(tenantId: string): Promise<Tenant> {
  const tenant = await tenantRepository.get(tenantId);
  if (!tenant) throw notFound('tenant', tenantId);
  return tenant;
}

export async function issueTenantKey(tenantId: string, role: 'tenant' | 'accountant'): Promise<IssuedKey & { tenantId: string }> {
  await getTenant(tenantId);
  const issued = await issueApiKey({ role, tenantId });
  await publish('api_key.created', tenantId, { keyId: issued.id, role, ownerId: tenantId });
  return { ...issued, tenantId };
}
