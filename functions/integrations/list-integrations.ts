import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { listIntegrations } from '../../shared/integrations/service.js';

export const handler = apiHandler(routes.listIntegrations, async ({ query, principal }) => ({ status: 200, body: await listIntegrations(tenantOf(principal), query) }));
