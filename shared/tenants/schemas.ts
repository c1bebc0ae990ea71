import * as z from 'zod';
import { Contact, ResolvedAddress } from '../quotes/schemas.js';
import { Address, text, Timestamp } from '../schemas/common.js';

export const tenantKinds = ['shop', 'ressourcerie', 'producer', 'catering', 'other'] as const;

export const CreateTenantBody = z
  .strictObject({
    name: text(200),
    kind: z.enum(tenantKinds),
    billingEmail: z.email().max(254),
    address: Address,
    siren: z
      .string()
      .trim()
      .regex(/^\d{3}[ .]?\d{3}[ .]?\d{3}$/, 'must be a SIREN: 9 digits')
      .optional()
      .meta({ description: "The organisation's SIREN (9 digits, spaces allowed), printed on its invoices." }),
    vatNumber: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}[ .]?[0-9A-Za-z][0-9A-Za-z .]{1,16}$/, 'must be an intra-EU VAT number, e.g. FR32123456789')
      .optional()
      .meta({ description: 'Its intra-EU VAT number, printed on its invoices.' }),
  })
  .meta({ id: 'CreateTenantRequest' });
export type CreateTenantBody = z.output<typeof CreateTenantBody>;

/** Where the tenant's parcels usually leave from (and a ressourcerie's pickups go to). */
export const SetDefaultPickupBody = z
  .strictObject({
    address: Address,
    contact: Contact.optional().meta({ description: "Whom the courier asks for. Left out: the tenant's name." }),
    instructions: text(500).optional().meta({ description: 'For the courier: door code, opening hours, where to ring.' }),
  })
  .meta({ id: 'SetDefaultPickupRequest' });
export type SetDefaultPickupBody = z.output<typeof SetDefaultPickupBody>;

/** The default pickup as saved: its address always located (geocoded when it came without lat/lng). */
export const DefaultPickup = z
  .object({
    address: ResolvedAddress,
    contact: Contact.nullable(),
    instructions: z.string().nullable(),
    updatedAt: Timestamp,
  })
  .meta({ id: 'DefaultPickup' });
export type DefaultPickup = z.output<typeof DefaultPickup>;

/** What applies when a quote or a booking leaves its pickup out (a pickup-kind booking, its drop-off). */
export const DefaultPickupView = z
  .object({
    object: z.literal('default_pickup'),
    tenantId: z.string(),
    source: z.enum(['saved', 'tenant_address']).meta({ description: "`saved`: the tenant's own default pickup; `tenant_address`: none saved, so its registered address applies." }),
    address: Address.meta({ description: 'Located (`lat`/`lng`) when saved; the registered address as given otherwise.' }),
    contact: Contact.meta({ description: "The saved contact, or the tenant's name." }),
    instructions: z.string().nullable(),
    updatedAt: Timestamp.nullable().meta({ description: 'When it was saved; null for the registered address.' }),
  })
  .meta({ id: 'DefaultPickupView' });
export type DefaultPickupView = z.output<typeof DefaultPickupView>;

export const Tenant = z
  .object({
    id: z.string().meta({ example: 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7' }),
    object: z.literal('tenant'),
    name: z.string(),
    kind: z.enum(tenantKinds),
    billingEmail: z.string(),
    address: Address,
    siren: z.string().optional(),
    vatNumber: z.string().optional(),
    defaultPickup: DefaultPickup.nullable().meta({ description: 'Used when a quote or booking leaves its pickup out; null: the registered address is used.' }),
    status: z.enum(['active']),
    createdAt: Timestamp,
  })
  .meta({ id: 'Tenant' });
export type Tenant = z.output<typeof Tenant>;

export const apiKeyRolesForTenants = ['tenant', 'accountant'] as const;

export const CreateApiKeyBody = z
  .strictObject({ role: z.enum(apiKeyRolesForTenants).default('tenant') })
  .meta({ id: 'CreateApiKeyRequest' });

export const apiKeyRolesForHub = ['accountant', 'admin'] as const;

export const CreateHubApiKeyBody = z
  .strictObject({ role: z.enum(apiKeyRolesForHub) })
  .meta({ id: 'CreateHubApiKeyRequest', description: "`accountant`: the cooperative's accountant. `admin`: another operator of the hub." });

export const ApiKeyListed = z
  .object({
    id: z.string(),
    object: z.literal('api_key'),
    role: z.enum(['admin', 'tenant', 'courier', 'accountant']),
    tenantId: z.string().optional(),
    hint: z.string().meta({ description: 'The last characters of the secret, to tell keys apart.' }),
    createdAt: Timestamp,
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const ApiKeyCreated = z
  .object({
    id: z.string(),
    object: z.literal('api_key'),
    key: z.string().meta({ description: 'The secret. Shown this once, stored only as a hash.' }),
    role: z.enum(['admin', 'tenant', 'courier', 'accountant']),
    tenantId: z.string().optional(),
    createdAt: Timestamp,
  })
  .meta({ id: 'ApiKeyCreated' });
