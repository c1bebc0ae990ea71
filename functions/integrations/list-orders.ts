import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { integrationRoutes } from '../../shared/integrations/routes.js';
import { listOrders } from '../../shared/integrations/service.js';

export const handler = apiHandler(integrationRoutes.listIntegrationOrders, async ({ params, query, principal }) => ({ status: 200, body: await listOrders(tenantOf(principal), params.id, query) }));
