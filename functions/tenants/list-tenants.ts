import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { tenantRepository } from '../../shared/tenants/repository.js';

export const handler = apiHandler(routes.listTenants, async ({ query }) => ({ status: 200, body: await tenantRepository.list(query) }));
