import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { loadStandingOrder } from '../../shared/standing-orders/service.js';

export const handler = apiHandler(standingOrderRoutes.getStandingOrder, async ({ params, principal }) => ({
  status: 200,
  body: await loadStandingOrder(principal, params.id),
}));
