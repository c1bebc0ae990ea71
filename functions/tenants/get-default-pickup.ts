import { assertTenantAccess } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { getDefaultPickup } from '../../shared/tenants/default-pickup.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';

export const handler = apiHandler(tenantRoutes.getDefaultPickup, async ({ params, principal }) => {
  assertTenantAccess(principal, params.id, 'tenant');
  return { status: 200, body: await getDefaultPickup(params.id) };
});
