import { listKeys, newApiKey, revokeKey, type IssuedKey, type ListedKey } from '../auth/api-keys.js';
import { accessErrors } from '../auth/errors.js';
import type { Principal } from '../auth/principal.js';
import { transact } from '../db/transact.js';
import { outboxEntry } from '../events/outbox.js';
import { newId } from '../ids.js';
import { tenantRepository } from './repository.js';
import type { CreateTenantBody, Tenant } from './schemas.js';
import { tenantErrors } from './errors.js';
import { tenantEvents } from './events.js';


export async function createTenant(input: CreateTenantBody, now = new Date()): Promise<Tenant> {
  const tenant: Tenant = {
    id: newId('tenant', now.getTime()),
    object: 'tenant',
    name: input.name,
    kind: input.kind,
    billingEmail: input.billingEmail,
    address: input.address,
    ...(input.siren ? { siren: input.siren.replace(/[ .]/g, '') } : {}),
    ...(input.vatNumber ? { vatNumber: input.vatNumber.replace(/[ .]/g, '').toUpperCase() } : {}),
    defaultPickup: null,
    status: 'active',
    createdAt: now.toISOString(),
  };
  const event = outboxEntry(tenantEvents.tenantCreated, tenant.id, { tenantId: tenant.id, name: tenant.name, kind: tenant.kind }, now);
  await transact([tenantRepository.create(tenant), event.create], () => new Error(`tenant ${tenant.id} exists already`), { result: tenant });
  return tenant;
}

export async function getTenant(tenantId: string): Promise<Tenant> {
  const tenant = await tenantRepository.get(tenantId);
  if (!tenant) throw tenantErrors.notFound('tenant', tenantId);
  return tenant;
}

/** A key of the hub (no tenant): the cooperative's accountant, or another admin. */
export async function issueHubKey(role: 'accountant' | 'admin'): Promise<IssuedKey & { object: 'api_key' }> {
  const { issued, create } = newApiKey(role === 'admin' ? { role } : { role });
  const created = { object: 'api_key' as const, ...issued };
  await transact([create], () => new Error(`api key ${issued.id} exists already`), { result: created });
  return created;
}

/**
 * Who manages a tenant's people and keys: the hub's admins, and the tenant's admin people (`tenantAdmin`);
 * a key cannot mint keys. Another tenant's caller gets the same 404 as a missing tenant.
 */
export function assertManagesTenant(principal: Principal, tenantId: string): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'tenant' && principal.tenantId === tenantId) {
    if (principal.tenantAdmin) return;
    throw accessErrors.error('forbidden', "Only the hub's admins and the tenant's admin people (tenantAdmin) manage its users and keys.");
  }
  throw tenantErrors.notFound('tenant', tenantId);
}

export async function listTenantKeys(principal: Principal, tenantId: string): Promise<ListedKey[]> {
  if (principal.role !== 'admin' && !(principal.role === 'tenant' && principal.tenantId === tenantId)) throw tenantErrors.notFound('tenant', tenantId);
  await getTenant(tenantId);
  return listKeys(tenantId);
}

export async function revokeTenantKey(principal: Principal, tenantId: string, keyId: string): Promise<ListedKey> {
  assertManagesTenant(principal, tenantId);
  const revoked = await revokeKey(tenantId, keyId);
  if (!revoked) throw tenantErrors.notFound('api key', keyId);
  return revoked;
}

export async function listHubKeys(): Promise<ListedKey[]> {
  return listKeys('hub');
}

export async function revokeHubKey(keyId: string): Promise<ListedKey> {
  const revoked = await revokeKey('hub', keyId);
  if (!revoked) throw tenantErrors.notFound('api key', keyId);
  return revoked;
}

export async function issueTenantKey(tenantId: string, role: 'tenant' | 'accountant'): Promise<IssuedKey & { object: 'api_key'; tenantId: string }> {
  await getTenant(tenantId);
  const { issued, create } = newApiKey({ role, tenantId });
  const event = outboxEntry(tenantEvents.apiKeyCreated, tenantId, { keyId: issued.id, role, ownerId: tenantId });
  const created = { object: 'api_key' as const, ...issued, tenantId };
  await transact([create, event.create], () => new Error(`api key ${issued.id} exists already`), { result: created });
  return created;
}
