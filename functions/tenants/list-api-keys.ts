import { apiHandler } from '../../shared/http/handler.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';
import { listTenantKeys } from '../../shared/tenants/service.js';

export const handler = apiHandler(tenantRoutes.listApiKeys, async ({ params, principal }) => ({
  status: 200,
  body: { data: await listTenantKeys(principal, params.id), hasMore: false, nextCursor: null },
}));
