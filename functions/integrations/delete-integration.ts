import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { integrationRoutes } from '../../shared/integrations/routes.js';
import { deleteIntegration } from '../../shared/integrations/service.js';

export const handler = apiHandler(integrationRoutes.deleteIntegration, async ({ params, principal }) => ({ status: 200, body: await deleteIntegration(tenantOf(principal), params.id) }));
