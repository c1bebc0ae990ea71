import { auditRoutes } from '../../shared/audit/routes.js';
import { listTenantEvents } from '../../shared/audit/service.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(auditRoutes.listTenantEvents, async ({ params, query, principal }) => ({ status: 200, body: await listTenantEvents(principal, params.id, query) }));
