import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { deleteIntegration } from '../../shared/integrations/service.js';

export const handler = apiHandler(routes.deleteIntegration, async ({ params, principal }) => ({ status: 200, body: await deleteIntegration(tenantOf(principal), params.id) }));
