import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { updateStandingOrder } from '../../shared/standing-orders/service.js';

export const handler = apiHandler(standingOrderRoutes.updateStandingOrder, async ({ params, body, principal }) => ({
  status: 200,
  body: await updateStandingOrder(principal, params.id, body),
}));
