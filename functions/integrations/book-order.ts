import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { integrationRoutes } from '../../shared/integrations/routes.js';
import { fixAndBookOrder } from '../../shared/integrations/service.js';

export const handler = apiHandler(integrationRoutes.bookIntegrationOrder, async ({ params, body, principal }) => ({
  status: 201,
  body: await fixAndBookOrder(tenantOf(principal), params.id, params.orderId, body),
}));
