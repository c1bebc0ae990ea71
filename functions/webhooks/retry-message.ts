import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { retryMessage } from '../../shared/webhooks/service.js';

export const handler = apiHandler(routes.retryWebhookMessage, async ({ params, principal }) => ({
  status: 202,
  body: await retryMessage(tenantOf(principal), params.id, params.msgId),
}));
