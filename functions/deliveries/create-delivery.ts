import { tenantOf } from '../../shared/auth/access.js';
import { bookDelivery } from '../../shared/deliveries/booking.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';

export const handler = apiHandler(deliveryRoutes.createDelivery, async ({ body, principal }) => ({ status: 201, body: await bookDelivery(tenantOf(principal), body) }));
