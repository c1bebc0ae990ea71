import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { listMessages } from '../../shared/webhooks/service.js';

export const handler = apiHandler(routes.listWebhookMessages, async ({ params, query, principal }) => ({
  status: 200,
  body: await listMessages(tenantOf(principal), params.id, query),
}));
