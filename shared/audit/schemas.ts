import * as z from 'zod';
import { Timestamp } from '../schemas/common.js';

export const AuditEvent = z
  .object({
    id: z.string(),
    object: z.literal('event'),
    type: z.string(),
    occurredAt: Timestamp,
    version: z.number().int(),
    data: z.unknown().meta({ description: "The event's data, as its type defines it (a delivery, an invoice…): see the API reference's events." }),
  })
  .meta({ id: 'Event', description: 'An event that happened to a tenant, as kept by the audit trail.' });
export type AuditEvent = z.output<typeof AuditEvent>;
