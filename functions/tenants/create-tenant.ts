import { apiHandler } from '../../shared/http/handler.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';
import { createTenant } from '../../shared/tenants/service.js';

export const handler = apiHandler(tenantRoutes.createTenant, async ({ body }) => ({ status: 201, body: await createTenant(body) }));
