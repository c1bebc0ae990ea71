import { defineRoute, type RouteDefinition } from '../http/route.js';
import { IdParam, listOf, PageQuery } from '../schemas/common.js';
import { tenantErrors } from '../tenants/errors.js';
import { AuditEvent } from './schemas.js';

/** The audit trail: what happened to a tenant's data, and when. */
export const auditRoutes = {
  listTenantEvents: defineRoute({
    method: 'GET',
    path: '/v1/tenants/{id}/events',
    roles: ['admin', 'tenant'],
    handler: 'functions/audit/list-tenant-events.ts',
    summary: "The tenant's audit trail: every event of its data, newest first.",
    tag: 'Tenants',
    request: { params: IdParam, query: PageQuery },
    responses: { 200: { description: 'A page of events.', schema: listOf(AuditEvent) } },
    errors: [tenantErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
