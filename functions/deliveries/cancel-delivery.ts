import { cancelDelivery } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';

export const handler = apiHandler(routes.cancelDelivery, async ({ params, body, principal }) => ({
  status: 200,
  body: await cancelDelivery(principal, params.id, body.reason),
}));
