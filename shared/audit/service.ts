import { assertTenantAccess } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { getTenant } from '../tenants/service.js';
import { auditRepository } from './repository.js';
import type { AuditEvent } from './schemas.js';

/** A tenant's audit trail: its own for a tenant key (another tenant's is a 404), any tenant's for the hub. */
export async function listTenantEvents(principal: Principal, tenantId: string, page: PageRequest): Promise<Page<AuditEvent>> {
  assertTenantAccess(principal, tenantId, 'tenant');
  if (principal.role === 'admin') await getTenant(tenantId);
  return auditRepository.list(tenantId, page);
}
