import { apiHandler } from '../../shared/http/handler.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';
import { revokeHubKey } from '../../shared/tenants/service.js';

export const handler = apiHandler(tenantRoutes.revokeHubApiKey, async ({ params }) => ({ status: 200, body: await revokeHubKey(params.keyId) }));
