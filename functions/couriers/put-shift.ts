import { courierRoutes } from '../../shared/couriers/routes.js';
import { putShift } from '../../shared/couriers/service.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(courierRoutes.putShift, async ({ params, body }) => ({ status: 200, body: await putShift(params.id, params.date, body) }));
