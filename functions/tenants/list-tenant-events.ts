import { auditRepository } from '../../shared/audit/repository.js';
import { assertTenantAccess } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';
import { getTenant } from '../../shared/tenants/service.js';

export const handler = apiHandler(tenantRoutes.listTenantEvents, async ({ params, query, principal }) => {
  assertTenantAccess(principal, params.id, 'tenant');
  if (principal.role === 'admin') await getTenant(params.id);
  return { status: 200, body: await auditRepository.list(params.id, query) };
});
