import { apiHandler } from '../../shared/http/handler.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';
import { assertManagesTenant, issueTenantKey } from '../../shared/tenants/service.js';

export const handler = apiHandler(tenantRoutes.createApiKey, async ({ params, body, principal }) => {
  assertManagesTenant(principal, params.id);
  return { status: 201, body: await issueTenantKey(params.id, body.role) };
});
