import { getDelivery } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';

export const handler = apiHandler(deliveryRoutes.getDelivery, async ({ params, principal }) => ({ status: 200, body: await getDelivery(principal, params.id) }));
