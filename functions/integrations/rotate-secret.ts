import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { integrationRoutes } from '../../shared/integrations/routes.js';
import { rotateSecret } from '../../shared/integrations/service.js';

export const handler = apiHandler(integrationRoutes.rotateIntegrationSecret, async ({ params, body, principal }) => ({
  status: 200,
  body: await rotateSecret(tenantOf(principal), params.id, body.gracePeriodHours),
}));
