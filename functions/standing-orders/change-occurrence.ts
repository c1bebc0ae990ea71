import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { changeOccurrence } from '../../shared/standing-orders/service.js';

export const handler = apiHandler(standingOrderRoutes.changeOccurrence, async ({ params, body, principal }) => ({
  status: 200,
  body: await changeOccurrence(principal, params.id, params.date, body),
}));
