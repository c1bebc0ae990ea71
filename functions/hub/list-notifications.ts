import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { listOutboxEmails } from '../../shared/notifications/service.js';

export const handler = apiHandler(routes.listNotifications, async ({ query }) => ({ status: 200, body: await listOutboxEmails(query.tenantId, query) }));
