import { apiHandler } from '../../shared/http/handler.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';
import { revokeTenantKey } from '../../shared/tenants/service.js';

export const handler = apiHandler(tenantRoutes.revokeApiKey, async ({ params, principal }) => ({ status: 200, body: await revokeTenantKey(principal, params.id, params.keyId) }));
