import * as z from 'zod';
import { text, Timestamp } from '../schemas/common.js';

export const userRoles = ['admin', 'tenant', 'accountant', 'courier'] as const;
export type UserRole = (typeof userRoles)[number];

/** Compared without case: `normalizeEmail` lowers it wherever an address is stored or looked up. */
const Email = z.email('must be an e-mail address').max(254);

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export const User = z
  .object({
    id: z.string(),
    object: z.literal('user'),
    email: z.string(),
    name: z.string(),
    role: z.enum(userRoles).meta({ description: '`tenant`: acts for its tenant; `accountant`: the cooperative\'s (no tenant) or a tenant\'s bookkeeper; `admin`: the hub; `courier`: rides the rounds (created with the courier, `POST /v1/couriers`).' }),
    courierId: z.string().nullable().optional().meta({ description: 'For a courier: the courier they ride as.' }),
    tenantId: z.string().nullable().meta({ description: 'The tenant the person belongs to; null for the cooperative\'s staff.' }),
    tenantAdmin: z.boolean().meta({ description: "A tenant's person who manages its users and keys." }),
    createdAt: Timestamp,
    invitedBy: z.string().nullable().meta({ description: 'The user or key that invited them.' }),
  })
  .meta({ id: 'User', description: 'A person who signs in (by an e-mailed link), with the same roles and tenant isolation as keys.' });
export type User = z.output<typeof User>;

export const CreateTenantUserBody = z
  .strictObject({
    email: Email,
    name: text(200),
    role: z.enum(['tenant', 'accountant']).default('tenant').meta({ description: "`tenant`: books and follows deliveries; `accountant`: the tenant's bookkeeper, reads its invoices." }),
    tenantAdmin: z.boolean().default(false).meta({ description: "Manages the tenant's users and keys (a `tenant` person only)." }),
  })
  .meta({ id: 'CreateTenantUserRequest' });
export type CreateTenantUserBody = z.output<typeof CreateTenantUserBody>;

export const CreateHubUserBody = z
  .strictObject({ email: Email, name: text(200), role: z.enum(['admin', 'accountant']) })
  .meta({ id: 'CreateHubUserRequest', description: "The cooperative's staff: `admin` (the hub coordinator) or `accountant`." });
export type CreateHubUserBody = z.output<typeof CreateHubUserBody>;

export const SignInBody = z.strictObject({ email: Email }).meta({ id: 'SignInRequest' });
export const OpenSessionBody = z.strictObject({ token: z.string().min(1).max(200) }).meta({ id: 'OpenSessionRequest', description: 'The token of the e-mailed sign-in link.' });

export const SignInRequested = z
  .object({ object: z.literal('sign_in_requested'), email: z.string(), expiresInSeconds: z.number().int() })
  .meta({ id: 'SignInRequested', description: 'Always the same answer, whether or not the address has an account (no enumeration): a link goes out if it has.' });

export const SessionOpened = z
  .object({ object: z.literal('session'), user: User, csrfToken: z.string().meta({ description: 'Send it as `X-CSRF-Token` with every change made with the session cookie.' }), expiresAt: Timestamp })
  .meta({ id: 'Session' });

export const Me = z
  .object({
    object: z.literal('me'),
    user: User.nullable().meta({ description: 'The person signed in; null for an API key.' }),
    role: z.enum(['admin', 'tenant', 'accountant', 'courier']),
    tenantId: z.string().nullable(),
    csrfToken: z.string().nullable().meta({ description: 'For a session: the `X-CSRF-Token` its changes carry.' }),
    sessionExpiresAt: Timestamp.nullable(),
  })
  .meta({ id: 'Me' });
