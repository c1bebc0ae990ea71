import { defineRoute, type RouteDefinition } from '../http/route.js';
import { rateLimitErrors } from '../http/errors.js';
import { IdParam, listOf } from '../schemas/common.js';
import { tenantErrors } from '../tenants/errors.js';
import { signInErrors, userErrors } from './errors.js';
import { CreateHubUserBody, CreateTenantUserBody, Me, OpenSessionBody, SessionOpened, SignInBody, SignInRequested, User } from './schemas.js';

const everyone = ['admin', 'tenant', 'accountant', 'courier'] as const;

/** People: invited users, sign-in by an e-mailed link, sessions. */
export const userRoutes = {
  requestSignIn: defineRoute({
    method: 'POST',
    path: '/v1/auth/sign-in',
    roles: 'public',
    handler: 'functions/users/request-sign-in.ts',
    summary:
      'Asks for a sign-in link: when the address has an account, a single-use link valid 15 minutes is e-mailed to it. Always 202, whether or not it has (no account enumeration); limited per client address and per e-mail address (429).',
    tag: 'People',
    request: { body: SignInBody },
    responses: { 202: { description: 'Asked.', schema: SignInRequested } },
    errors: [rateLimitErrors],
  }),
  openSession: defineRoute({
    method: 'POST',
    path: '/v1/auth/sessions',
    roles: 'public',
    handler: 'functions/users/open-session.ts',
    summary:
      "Opens a session with the e-mailed link's token: sets the `dh_session` cookie (HttpOnly, SameSite=Lax, Secure over HTTPS). Every `/v1` route then accepts the cookie instead of a key, with the person's role and tenant; changes must carry `X-CSRF-Token`. A link works once.",
    tag: 'People',
    request: { body: OpenSessionBody },
    responses: { 201: { description: 'The session (its cookie is set).', schema: SessionOpened } },
    errors: [signInErrors],
  }),
  closeSession: defineRoute({
    method: 'DELETE',
    path: '/v1/auth/session',
    roles: everyone,
    handler: 'functions/users/close-session.ts',
    summary: 'Signs out: ends the session of the cookie and clears it (nothing to end for a key).',
    tag: 'People',
    responses: { 204: { description: 'Signed out.' } },
  }),
  getMe: defineRoute({
    method: 'GET',
    path: '/v1/me',
    roles: everyone,
    handler: 'functions/users/get-me.ts',
    summary: 'Who is calling: the person signed in (and the CSRF token of their session), or the role and tenant of a key.',
    tag: 'People',
    responses: { 200: { description: 'The caller.', schema: Me } },
  }),
  createTenantUser: defineRoute({
    method: 'POST',
    path: '/v1/tenants/{id}/users',
    roles: ['admin', 'tenant'],
    handler: 'functions/users/create-tenant-user.ts',
    summary: "Invites a person of a tenant (admin, or the tenant's admin people): they sign in with their e-mail address. Another tenant answers 404.",
    tag: 'People',
    idempotent: true,
    request: { params: IdParam, body: CreateTenantUserBody },
    responses: { 201: { description: 'The person.', schema: User } },
    errors: [userErrors, tenantErrors],
  }),
  listTenantUsers: defineRoute({
    method: 'GET',
    path: '/v1/tenants/{id}/users',
    roles: ['admin', 'tenant'],
    handler: 'functions/users/list-tenant-users.ts',
    summary: "A tenant's people (admin, or the tenant's own).",
    tag: 'People',
    request: { params: IdParam },
    responses: { 200: { description: 'The people.', schema: listOf(User) } },
    errors: [userErrors, tenantErrors],
  }),
  createHubUser: defineRoute({
    method: 'POST',
    path: '/v1/hub/users',
    roles: ['admin'],
    handler: 'functions/users/create-hub-user.ts',
    summary: "Invites one of the cooperative's staff: `admin` (the hub coordinator) or `accountant`.",
    tag: 'People',
    idempotent: true,
    request: { body: CreateHubUserBody },
    responses: { 201: { description: 'The person.', schema: User } },
    errors: [userErrors],
  }),
  listHubUsers: defineRoute({
    method: 'GET',
    path: '/v1/hub/users',
    roles: ['admin'],
    handler: 'functions/users/list-hub-users.ts',
    summary: "The cooperative's staff.",
    tag: 'People',
    responses: { 200: { description: 'The people.', schema: listOf(User) } },
  }),
  deleteUser: defineRoute({
    method: 'DELETE',
    path: '/v1/users/{id}',
    roles: ['admin', 'tenant'],
    handler: 'functions/users/delete-user.ts',
    summary: "Removes a person and ends their sessions (admin, or the tenant's admin people for its own).",
    tag: 'People',
    request: { params: IdParam },
    responses: { 204: { description: 'Removed.' } },
    errors: [userErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
