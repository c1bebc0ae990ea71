import { createCourier } from '../../shared/couriers/service.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';

export const handler = apiHandler(routes.createCourier, async ({ body }) => ({ status: 201, body: await createCourier(body) }));
