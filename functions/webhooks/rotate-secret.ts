import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { webhookRoutes } from '../../shared/webhooks/routes.js';
import { rotateEndpointSecret } from '../../shared/webhooks/service.js';

export const handler = apiHandler(webhookRoutes.rotateWebhookSecret, async ({ params, principal }) => ({ status: 200, body: await rotateEndpointSecret(tenantOf(principal), params.id) }));
