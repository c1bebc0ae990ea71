import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { listStandingOrders } from '../../shared/standing-orders/service.js';

export const handler = apiHandler(standingOrderRoutes.listStandingOrders, async ({ query, principal }) => ({
  status: 200,
  body: await listStandingOrders(principal, query.tenantId, query),
}));
