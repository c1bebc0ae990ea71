import { listCourierDeliveries } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';

export const handler = apiHandler(routes.listCourierDeliveries, async ({ query, principal }) => ({ status: 200, body: await listCourierDeliveries(principal, query) }));
