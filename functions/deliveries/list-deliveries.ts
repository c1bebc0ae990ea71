import { listDeliveries } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';

export const handler = apiHandler(deliveryRoutes.listDeliveries, async ({ query, principal }) => ({
  status: 200,
  body: await listDeliveries(principal, { status: query.status, tenantId: query.tenantId }, query),
}));
