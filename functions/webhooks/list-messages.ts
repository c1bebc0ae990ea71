import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { webhookRoutes } from '../../shared/webhooks/routes.js';
import { listMessages } from '../../shared/webhooks/service.js';

export const handler = apiHandler(webhookRoutes.listWebhookMessages, async ({ params, query, principal }) => ({
  status: 200,
  body: await listMessages(tenantOf(principal), params.id, query),
}));
