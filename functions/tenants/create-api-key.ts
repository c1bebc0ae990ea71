import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { issueTenantKey } from '../../shared/tenants/service.js';

export const handler = apiHandler(routes.createApiKey, async ({ params, body }) => {
  const issued = await issueTenantKey(params.id, body.role);
  return { status: 201, body: { object: 'api_key', ...issued } };
});
