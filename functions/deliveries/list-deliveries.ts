import { listDeliveries } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';

export const handler = apiHandler(routes.listDeliveries, async ({ query, principal }) => ({
  status: 200,
  body: await listDeliveries(principal, { status: query.status, tenantId: query.tenantId }, query),
}));
