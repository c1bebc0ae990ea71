import * as z from 'zod';
import { Address, text, Timestamp } from '../schemas/common.js';

export const tenantKinds = ['shop', 'ressourcerie', 'producer', 'catering', 'other'] as const;

export const CreateTenantBody = z
  .strictObject({
    name: text(200),
    kind: z.enum(tenantKinds),
    billingEmail: z.email().max(254),
    address: Address,
  })
  .meta({ id: 'CreateTenantRequest' });
export type CreateTenantBody = z.output<typeof CreateTenantBody>;

export const Tenant = z
  .object({
    id: z.string().meta({ example: 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7' }),
    object: z.literal('tenant'),
    name: z.string(),
    kind: z.enum(tenantKinds),
    billingEmail: z.string(),
    address: Address,
    status: z.enum(['active']),
    createdAt: Timestamp,
  })
  .meta({ id: 'Tenant' });
export type Tenant = z.output<typeof Tenant>;

export const apiKeyRolesForTenants = ['tenant', 'accountant'] as const;

export const CreateApiKeyBody = z
  .strictObject({ role: z.enum(apiKeyRolesForTenants).default('tenant') })
  .meta({ id: 'CreateApiKeyRequest' });

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
