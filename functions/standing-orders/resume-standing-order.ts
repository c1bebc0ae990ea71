import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { resumeStandingOrder } from '../../shared/standing-orders/service.js';

export const handler = apiHandler(standingOrderRoutes.resumeStandingOrder, async ({ params, principal }) => ({
  status: 200,
  body: await resumeStandingOrder(principal, params.id),
}));
