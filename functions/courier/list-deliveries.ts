import { listCourierDeliveries } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';

export const handler = apiHandler(deliveryRoutes.listCourierDeliveries, async ({ query, principal }) => ({ status: 200, body: await listCourierDeliveries(principal, query) }));
