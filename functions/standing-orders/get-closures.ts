import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { getClosures } from '../../shared/standing-orders/closures.js';

export const handler = apiHandler(standingOrderRoutes.getClosures, async ({ principal }) => ({
  status: 200,
  body: await getClosures('tenant', tenantOf(principal)),
}));
