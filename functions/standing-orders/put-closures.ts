import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { putClosures } from '../../shared/standing-orders/closures.js';

export const handler = apiHandler(standingOrderRoutes.putClosures, async ({ body, principal }) => ({
  status: 200,
  body: await putClosures('tenant', tenantOf(principal), body.closures),
}));
