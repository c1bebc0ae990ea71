import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { putClosures } from '../../shared/standing-orders/closures.js';

export const handler = apiHandler(standingOrderRoutes.putHubClosures, async ({ body }) => ({
  status: 200,
  body: await putClosures('hub', null, body.closures),
}));
