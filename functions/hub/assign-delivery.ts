import { assignDelivery } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';

export const handler = apiHandler(routes.assignDelivery, async ({ params, body, principal }) => ({
  status: 200,
  body: await assignDelivery(principal, params.id, body.courierId),
}));
