import { AuditEvent } from '../audit/schemas.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { IdParam, listOf, PageQuery } from '../schemas/common.js';
import { ApiKeyCreated, CreateApiKeyBody, CreateTenantBody, Tenant } from './schemas.js';

/** Tenants, their keys and audit trail, couriers: the hub operator's administration. */
export const tenantRoutes = {
  createTenant: defineRoute({
    method: 'POST',
    path: '/v1/tenants',
    roles: ['admin'],
    handler: 'functions/tenants/create-tenant.ts',
    summary: 'Creates a tenant: an organisation the hub delivers for.',
    tag: 'Tenants',
    idempotent: true,
    request: { body: CreateTenantBody },
    responses: { 201: { description: 'The tenant.', schema: Tenant } },
  }),
  listTenants: defineRoute({
    method: 'GET',
    path: '/v1/tenants',
    roles: ['admin'],
    handler: 'functions/tenants/list-tenants.ts',
    summary: 'Lists the tenants, oldest first.',
    tag: 'Tenants',
    request: { query: PageQuery },
    responses: { 200: { description: 'A page of tenants.', schema: listOf(Tenant) } },
  }),
  getTenant: defineRoute({
    method: 'GET',
    path: '/v1/tenants/{id}',
    roles: ['admin', 'tenant'],
    handler: 'functions/tenants/get-tenant.ts',
    summary: 'Reads a tenant. A tenant key reads only its own tenant (another id answers 404).',
    tag: 'Tenants',
    request: { params: IdParam },
    responses: { 200: { description: 'The tenant.', schema: Tenant } },
  }),
  createApiKey: defineRoute({
    method: 'POST',
    path: '/v1/tenants/{id}/api-keys',
    roles: ['admin'],
    handler: 'functions/tenants/create-api-key.ts',
    summary: 'Issues an API key for a tenant (role `tenant`, or `accountant`). The key is shown once.',
    tag: 'Tenants',
    idempotent: true,
    request: { params: IdParam, body: CreateApiKeyBody },
    responses: { 201: { description: 'The key, shown this once.', schema: ApiKeyCreated } },
  }),
  listTenantEvents: defineRoute({
    method: 'GET',
    path: '/v1/tenants/{id}/events',
    roles: ['admin', 'tenant'],
    handler: 'functions/tenants/list-tenant-events.ts',
    summary: "The tenant's audit trail: every event of its data, newest first.",
    tag: 'Tenants',
    request: { params: IdParam, query: PageQuery },
    responses: { 200: { description: 'A page of events.', schema: listOf(AuditEvent) } },
  }),
} as const satisfies Record<string, RouteDefinition>;
