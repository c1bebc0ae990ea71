import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { pauseStandingOrder } from '../../shared/standing-orders/service.js';

export const handler = apiHandler(standingOrderRoutes.pauseStandingOrder, async ({ params, principal }) => ({
  status: 200,
  body: await pauseStandingOrder(principal, params.id),
}));
