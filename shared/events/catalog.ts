import * as z from 'zod';

/** The EventBridge envelope a target receives (what Lambda gets from a rule). */
export const eventEnvelopeSchema = z.object({
  version: z.string(),
  id: z.string(),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: z.unknown(),
});
export type EventEnvelope = z.output<typeof eventEnvelopeSchema>;
