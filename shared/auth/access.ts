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

/**
 * Whose books a caller reads: the hub (admins, the cooperative's accountant) reads every tenant's;
 * a tenant key and a tenant's bookkeeper (an accountant key issued under a tenant) read their
 * tenant's only. Couriers read none.
 */
export type BooksScope = { kind: 'hub' } | { kind: 'tenant'; tenantId: string };

export function booksScope(principal: Principal): BooksScope {
  switch (principal.role) {
    case 'admin':
      return { kind: 'hub' };
    case 'accountant':
      return principal.tenantId === undefined ? { kind: 'hub' } : { kind: 'tenant', tenantId: principal.tenantId };
    case 'tenant':
      return { kind: 'tenant', tenantId: principal.tenantId };
    case 'courier':
      throw accessErrors.error('forbidden', 'Couriers do not read the books.');
  }
}

/** The one tenant a key is confined to (a tenant key, a tenant's bookkeeper); undefined for the hub's keys and couriers. */
export function tenantScopeOf(principal: Principal): string | undefined {
  if (principal.role === 'tenant') return principal.tenantId;
  if (principal.role === 'accountant') return principal.tenantId;
  return undefined;
}

/** Running billing, recording payments, issuing credit notes, importing statements: the hub's accounting only. */
export function assertHubAccounting(principal: Principal): void {
  if (booksScope(principal).kind !== 'hub') {
    throw accessErrors.error('forbidden', "This endpoint is the cooperative's accounting: an admin key or a hub accountant key (POST /v1/hub/api-keys), not a tenant's key.");
  }
}

/**
 * True when the caller must not see recipients' personal data (names, phones, e-mails, street
 * lines, instructions): accountants, whether the hub's or a tenant's, see what was delivered,
 * when, and for how much.
 */
export function withholdsPersonalData(principal: Principal): boolean {
  return principal.role === 'accountant';
}
