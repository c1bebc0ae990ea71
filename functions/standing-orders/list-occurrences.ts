import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { listOccurrences } from '../../shared/standing-orders/service.js';

export const handler = apiHandler(standingOrderRoutes.listOccurrences, async ({ params, query, principal }) => ({
  status: 200,
  body: await listOccurrences(principal, params.id, { from: query.from, to: query.to }),
}));
