import { apiHandler } from '../../shared/http/handler.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';
import { issueHubKey } from '../../shared/tenants/service.js';

export const handler = apiHandler(tenantRoutes.createHubApiKey, async ({ body }) => ({ status: 201, body: await issueHubKey(body.role) }));
