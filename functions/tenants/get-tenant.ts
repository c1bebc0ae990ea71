import { assertTenantAccess } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';
import { getTenant } from '../../shared/tenants/service.js';

export const handler = apiHandler(tenantRoutes.getTenant, async ({ params, principal }) => {
  assertTenantAccess(principal, params.id, 'tenant');
  return { status: 200, body: await getTenant(params.id) };
});
