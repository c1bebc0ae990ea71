import { assertTenantAccess } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { setDefaultPickup } from '../../shared/tenants/default-pickup.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';

export const handler = apiHandler(tenantRoutes.putDefaultPickup, async ({ params, body, principal }) => {
  assertTenantAccess(principal, params.id, 'tenant');
  return { status: 200, body: await setDefaultPickup(params.id, body) };
});
