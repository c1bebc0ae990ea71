import type { Principal } from './principal.js';
import { accessErrors } from './errors.js';


/**
 * A tenant key reaches only its own tenant's data; anything else answers 404, exactly like an id
 * that does not exist (the contract: no way to probe other tenants' ids). Admins reach all.
 */
export function assertTenantAccess(principal: Principal, tenantId: string, what: string): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'tenant' && principal.tenantId === tenantId) return;
  throw accessErrors.notFound(what, tenantId);
}

/** The tenant a tenant key acts for (routes open to tenant keys only). */
export function tenantOf(principal: Principal): string {
  if (principal.role !== 'tenant') throw accessErrors.error('forbidden', 'This endpoint acts for a tenant: use a tenant key.');
  return principal.tenantId;
}
