import { createCourier } from '../../shared/couriers/service.js';
import { apiHandler } from '../../shared/http/handler.js';
import { courierRoutes } from '../../shared/couriers/routes.js';

export const handler = apiHandler(courierRoutes.createCourier, async ({ body, principal }) => ({ status: 201, body: await createCourier(principal, body) }));
