import { apiHandler } from '../../shared/http/handler.js';
import { notificationRoutes } from '../../shared/notifications/routes.js';
import { listOutboxEmails } from '../../shared/notifications/service.js';

export const handler = apiHandler(notificationRoutes.listNotifications, async ({ query }) => ({ status: 200, body: await listOutboxEmails(query.tenantId, query) }));
