import { apiHandler } from '../../shared/http/handler.js';
import { tenantRoutes } from '../../shared/tenants/routes.js';
import { tenantRepository } from '../../shared/tenants/repository.js';

export const handler = apiHandler(tenantRoutes.listTenants, async ({ query }) => ({ status: 200, body: await tenantRepository.list(query) }));
