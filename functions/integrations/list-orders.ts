import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { listOrders } from '../../shared/integrations/service.js';

export const handler = apiHandler(routes.listIntegrationOrders, async ({ params, query, principal }) => ({ status: 200, body: await listOrders(tenantOf(principal), params.id, query) }));
