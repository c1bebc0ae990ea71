import { getDelivery } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';

export const handler = apiHandler(routes.getDelivery, async ({ params, principal }) => ({ status: 200, body: await getDelivery(principal, params.id) }));
