import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { createIntegration } from '../../shared/integrations/service.js';

export const handler = apiHandler(routes.createIntegration, async ({ body, principal }) => ({ status: 201, body: await createIntegration(tenantOf(principal), body) }));
