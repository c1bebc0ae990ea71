import { courierRoutes } from '../../shared/couriers/routes.js';
import { courierView, getCourier } from '../../shared/couriers/service.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(courierRoutes.getCourier, async ({ params }) => ({ status: 200, body: courierView(await getCourier(params.id)) }));
