import { courierRoutes } from '../../shared/couriers/routes.js';
import { courierRepository } from '../../shared/couriers/repository.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(courierRoutes.listCouriers, async ({ query }) => ({ status: 200, body: await courierRepository.list(query) }));
