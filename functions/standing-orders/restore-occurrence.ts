import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { restoreOccurrence } from '../../shared/standing-orders/service.js';

export const handler = apiHandler(standingOrderRoutes.restoreOccurrence, async ({ params, principal }) => ({
  status: 200,
  body: await restoreOccurrence(principal, params.id, params.date),
}));
