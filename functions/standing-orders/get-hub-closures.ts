import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { getClosures } from '../../shared/standing-orders/closures.js';

export const handler = apiHandler(standingOrderRoutes.getHubClosures, async () => ({
  status: 200,
  body: await getClosures('hub', null),
}));
