import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { rotateSecret } from '../../shared/integrations/service.js';

export const handler = apiHandler(routes.rotateIntegrationSecret, async ({ params, body, principal }) => ({
  status: 200,
  body: await rotateSecret(tenantOf(principal), params.id, body.gracePeriodHours),
}));
