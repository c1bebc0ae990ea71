import * as z from 'zod';
import { defineEvent } from '../events/definition.js';

/** An occurrence could not be booked (slot full, out of capacity, outside the service area…): the tenant hears about it once per occurrence and reason. */
export const OccurrenceFailedData = z.object({
  standingOrderId: z.string(),
  tenantId: z.string(),
  reference: z.string().nullable(),
  date: z.string().meta({ description: 'The occurrence\'s day (Europe/Paris).' }),
  code: z.string().meta({ description: 'Why: the booking\'s error code (`slot_full`, `outside_service_area`, `no_slot`…).' }),
  message: z.string(),
});
export type OccurrenceFailedData = z.output<typeof OccurrenceFailedData>;

export const standingOrderEvents = {
  occurrenceFailed: defineEvent('standing_order.occurrence_failed', { version: 1, data: OccurrenceFailedData }),
} as const;
