import { courierRoutes } from '../../shared/couriers/routes.js';
import { updateCourier } from '../../shared/couriers/service.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(courierRoutes.updateCourier, async ({ params, body }) => ({ status: 200, body: await updateCourier(params.id, body) }));
