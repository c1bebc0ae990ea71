import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { runStandingOrders } from '../../shared/standing-orders/runner.js';

export const handler = apiHandler(standingOrderRoutes.runStandingOrders, async ({ body }) => ({
  status: 200,
  body: await runStandingOrders(new Date(), body.horizonDays),
}));
