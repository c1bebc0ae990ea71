import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { webhookRoutes } from '../../shared/webhooks/routes.js';
import { listEndpoints } from '../../shared/webhooks/service.js';

export const handler = apiHandler(webhookRoutes.listWebhookEndpoints, async ({ query, principal }) => ({ status: 200, body: await listEndpoints(tenantOf(principal), query) }));
