import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { listEndpoints } from '../../shared/webhooks/service.js';

export const handler = apiHandler(routes.listWebhookEndpoints, async ({ query, principal }) => ({ status: 200, body: await listEndpoints(tenantOf(principal), query) }));
