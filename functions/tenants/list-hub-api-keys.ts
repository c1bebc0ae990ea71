import { apiHandler } from '../../shared/http/handler.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';
import { listHubKeys } from '../../shared/tenants/service.js';

export const handler = apiHandler(tenantRoutes.listHubApiKeys, async () => ({ status: 200, body: { data: await listHubKeys(), hasMore: false, nextCursor: null } }));
