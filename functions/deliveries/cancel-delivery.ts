import { cancelDelivery } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';

export const handler = apiHandler(deliveryRoutes.cancelDelivery, async ({ params, body, principal }) => ({
  status: 200,
  body: await cancelDelivery(principal, params.id, body.reason),
}));
