import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { skipOccurrence } from '../../shared/standing-orders/service.js';

export const handler = apiHandler(standingOrderRoutes.skipOccurrence, async ({ params, body, principal }) => ({
  status: 200,
  body: await skipOccurrence(principal, params.id, params.date, body.reason),
}));
