import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { standingOrderRoutes } from '../../shared/standing-orders/routes.js';
import { createStandingOrder } from '../../shared/standing-orders/service.js';

export const handler = apiHandler(standingOrderRoutes.createStandingOrder, async ({ body, principal }) => ({
  status: 201,
  body: await createStandingOrder(tenantOf(principal), body),
}));
