import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { endStandingOrder } from '../../shared/standing-orders/service.js';

export const handler = apiHandler(standingOrderRoutes.endStandingOrder, async ({ params, body, principal }) => ({
  status: 200,
  body: await endStandingOrder(principal, params.id, body.date),
}));
