import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { integrationRoutes } from '../../shared/integrations/routes.js';
import { listIntegrations } from '../../shared/integrations/service.js';

export const handler = apiHandler(integrationRoutes.listIntegrations, async ({ query, principal }) => ({ status: 200, body: await listIntegrations(tenantOf(principal), query) }));
