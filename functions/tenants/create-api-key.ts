import { apiHandler } from '../../shared/http/handler.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';
import { issueTenantKey } from '../../shared/tenants/service.js';

export const handler = apiHandler(tenantRoutes.createApiKey, async ({ params, body }) => {
  const issued = await issueTenantKey(params.id, body.role);
  return { status: 201, body: { object: 'api_key', ...issued } };
});
