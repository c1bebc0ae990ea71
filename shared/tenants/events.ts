import { defineEvent } from '../events/definition.js';
import * as z from 'zod';

/** Events of the hub's administration. */
export const tenantEvents = {
  tenantCreated: defineEvent('tenant.created', { version: 1, data: z.object({ tenantId: z.string(), name: z.string(), kind: z.string() }) }),
  apiKeyCreated: defineEvent('api_key.created', { version: 1, data: z.object({ keyId: z.string(), role: z.string(), ownerId: z.string() }) }),
  courierCreated: defineEvent('courier.created', { version: 1, data: z.object({ courierId: z.string() }) }),
} as const;
