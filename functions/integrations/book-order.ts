import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { fixAndBookOrder } from '../../shared/integrations/service.js';

export const handler = apiHandler(routes.bookIntegrationOrder, async ({ params, body, principal }) => ({
  status: 201,
  body: await fixAndBookOrder(tenantOf(principal), params.id, params.orderId, body),
}));
