import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { webhookRoutes } from '../../shared/webhooks/routes.js';
import { retryMessage } from '../../shared/webhooks/service.js';

export const handler = apiHandler(webhookRoutes.retryWebhookMessage, async ({ params, principal }) => ({
  status: 202,
  body: await retryMessage(tenantOf(principal), params.id, params.msgId),
}));
