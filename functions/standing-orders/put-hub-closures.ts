import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { changeClosures } from '../../shared/standing-orders/service.js';

export const handler = apiHandler(standingOrderRoutes.putHubClosures, async ({ body }) => ({
  status: 200,
  body: await changeClosures('hub', null, body.closures),
}));
