import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { webhookRoutes } from '../../shared/webhooks/routes.js';
import { deleteEndpoint } from '../../shared/webhooks/service.js';

export const handler = apiHandler(webhookRoutes.deleteWebhookEndpoint, async ({ params, principal }) => ({
  status: 200,
  body: (await deleteEndpoint(tenantOf(principal), params.id)) as { id: string; object: 'webhook_endpoint'; deleted: true },
}));
