import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { webhookRoutes } from '../../shared/webhooks/routes.js';
import { createEndpoint } from '../../shared/webhooks/service.js';

export const handler = apiHandler(webhookRoutes.createWebhookEndpoint, async ({ body, principal }) => ({ status: 201, body: await createEndpoint(tenantOf(principal), body) }));
