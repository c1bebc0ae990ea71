import { AppError, errorSet, notFound } from '../errors.js';
import type { Principal } from './principal.js';

/** Errors raised here: Acting for a tenant: a tenant key only, and only on its own data. */
export const accessErrors = errorSet('forbidden', 'resource_missing');

/**
 * A tenant key reaches only its own tenant's data; anything else answers 404, exactly like an id
 * that does not exist (the contract: no way to probe other tenants' ids). Admins reach all.
 */
export function assertTenantAccess(principal: Principal, tenantId: string, what: string): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'tenant' && principal.tenantId === tenantId) return;
  throw notFound(what, tenantId);
}

/** The tenant a tenant key acts for (routes open to tenant keys only). */
export function tenantOf(principal: Principal): string {
  if (principal.role !== 'tenant') throw new AppError('forbidden', 'This endpoint acts for a tenant: use a tenant key.');
  return principal.tenantId;
}
