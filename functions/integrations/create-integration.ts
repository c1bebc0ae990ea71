import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { integrationRoutes } from '../../shared/integrations/routes.js';
import { createIntegration } from '../../shared/integrations/service.js';

export const handler = apiHandler(integrationRoutes.createIntegration, async ({ body, principal }) => ({ status: 201, body: await createIntegration(tenantOf(principal), body) }));
