import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { createTenant } from '../../shared/tenants/service.js';

export const handler = apiHandler(routes.createTenant, async ({ body }) => ({ status: 201, body: await createTenant(body) }));
