import { createCourier } from '../../shared/couriers/service.js';
import { apiHandler } from '../../shared/http/handler.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';

export const handler = apiHandler(tenantRoutes.createCourier, async ({ body }) => ({ status: 201, body: await createCourier(body) }));
