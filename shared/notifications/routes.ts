import { defineRoute, type RouteDefinition } from '../http/route.js';
import { listOf } from '../schemas/common.js';
import { ListNotificationsQuery, Notification } from './schemas.js';

/** What the recipient notifier kept in the table's outbox (the default notifier: nothing is sent). */
export const notificationRoutes = {
  listNotifications: defineRoute({
    method: 'GET',
    path: '/v1/hub/notifications',
    roles: ['admin'],
    handler: 'functions/notifications/list-notifications.ts',
    summary: "E-mails to a tenant's recipients kept in the table outbox (`NOTIFIER=outbox`, the default), newest first. With SES, e-mails are sent and not kept here.",
    tag: 'Notifications',
    request: { query: ListNotificationsQuery },
    responses: { 200: { description: 'A page of e-mails.', schema: listOf(Notification) } },
  }),
} as const satisfies Record<string, RouteDefinition>;
