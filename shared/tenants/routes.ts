import { defineRoute, type RouteDefinition } from '../http/route.js';
import { IdParam, listOf, PageQuery } from '../schemas/common.js';
import * as z from 'zod';
import { ApiKeyCreated, ApiKeyListed, CreateApiKeyBody, CreateHubApiKeyBody, CreateTenantBody, DefaultPickupView, SetDefaultPickupBody, Tenant } from './schemas.js';
import { accessErrors } from '../auth/errors.js';
import { geocodingErrors } from '../geo/errors.js';
import { defaultPickupErrors, tenantErrors, tenantRepositoryErrors } from './errors.js';

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
    errors: [tenantErrors],
  }),
  createApiKey: defineRoute({
    method: 'POST',
    path: '/v1/tenants/{id}/api-keys',
    roles: ['admin', 'tenant'],
    handler: 'functions/tenants/create-api-key.ts',
    summary:
      "Issues an API key for a tenant: `tenant` (acts for the tenant), or `accountant` (the tenant's bookkeeper: reads that tenant's invoices, payments and credit notes, and its deliveries without recipients' personal data). The key is shown once. Admins, and the tenant's admin people (signed in).",
    tag: 'Tenants',
    idempotent: true,
    request: { params: IdParam, body: CreateApiKeyBody },
    responses: { 201: { description: 'The key, shown this once.', schema: ApiKeyCreated } },
    errors: [tenantErrors, accessErrors],
  }),
  listApiKeys: defineRoute({
    method: 'GET',
    path: '/v1/tenants/{id}/api-keys',
    roles: ['admin', 'tenant'],
    handler: 'functions/tenants/list-api-keys.ts',
    summary: "A tenant's keys: id, role, last characters, created, revoked (never the secret). Another tenant answers 404.",
    tag: 'Tenants',
    request: { params: IdParam },
    responses: { 200: { description: 'The keys.', schema: listOf(ApiKeyListed) } },
    errors: [tenantErrors],
  }),
  revokeApiKey: defineRoute({
    method: 'DELETE',
    path: '/v1/tenants/{id}/api-keys/{keyId}',
    roles: ['admin', 'tenant'],
    handler: 'functions/tenants/revoke-api-key.ts',
    summary: "Revokes one of a tenant's keys (admins, and the tenant's admin people). A function that saw it valid keeps it up to a minute.",
    tag: 'Tenants',
    request: { params: z.strictObject({ id: z.string().min(1).max(128), keyId: z.string().min(1).max(128) }) },
    responses: { 200: { description: 'The key, revoked.', schema: ApiKeyListed } },
    errors: [tenantErrors, accessErrors],
  }),
  createHubApiKey: defineRoute({
    method: 'POST',
    path: '/v1/hub/api-keys',
    roles: ['admin'],
    handler: 'functions/tenants/create-hub-api-key.ts',
    summary:
      "Issues a key of the hub, not under any tenant: `accountant` (the cooperative's accountant: runs billing, records payments and credit notes, reads every tenant's invoices, payments and exports, never recipients' personal data) or `admin`. The key is shown once.",
    tag: 'Tenants',
    idempotent: true,
    request: { body: CreateHubApiKeyBody },
    responses: { 201: { description: 'The key, shown this once.', schema: ApiKeyCreated } },
  }),
  putDefaultPickup: defineRoute({
    method: 'PUT',
    path: '/v1/tenants/{id}/default-pickup',
    roles: ['admin', 'tenant'],
    handler: 'functions/tenants/put-default-pickup.ts',
    summary:
      "Saves the tenant's default pickup: used when a quote or booking leaves `pickup` out (for a `kind: \"pickup\"` booking, when it leaves `dropoff` out). The address is geocoded when it comes without lat/lng. A tenant key sets only its own (another id answers 404).",
    tag: 'Tenants',
    request: { params: IdParam, body: SetDefaultPickupBody },
    responses: { 200: { description: 'The default pickup now in force.', schema: DefaultPickupView } },
    errors: [accessErrors, tenantErrors, tenantRepositoryErrors, defaultPickupErrors, geocodingErrors],
  }),
  getDefaultPickup: defineRoute({
    method: 'GET',
    path: '/v1/tenants/{id}/default-pickup',
    roles: ['admin', 'tenant'],
    handler: 'functions/tenants/get-default-pickup.ts',
    summary: "What applies when a quote or booking leaves its pickup out: the saved default pickup, or the tenant's registered address (`source` says which). A tenant key reads only its own.",
    tag: 'Tenants',
    request: { params: IdParam },
    responses: { 200: { description: 'The default pickup in force.', schema: DefaultPickupView } },
    errors: [accessErrors, tenantErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
