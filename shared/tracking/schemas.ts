import * as z from 'zod';
import { deliveryKinds, deliveryStatuses, hubStages } from '../deliveries/schemas.js';
import { Timestamp } from '../schemas/common.js';

/**
 * What anyone holding a tracking link may see. Built field by field (shared/tracking/view.ts):
 * no name, phone, e-mail, street, price, reference or courier position is ever in it.
 */
export const TrackingView = z
  .object({
    object: z.literal('tracking'),
    kind: z.enum(deliveryKinds),
    status: z.enum(deliveryStatuses),
    events: z
      .array(
        z.object({
          status: z.enum(deliveryStatuses),
          at: Timestamp,
          step: z.enum(['arrived', 'rescheduled', 'at_hub']).optional().meta({ description: '`arrived`: the courier reached a stop (`stop` says which); `rescheduled`: a new attempt after a failure; `at_hub`: every parcel reached the hub.' }),
          stop: z.enum(['pickup', 'dropoff']).optional(),
        }),
      )
      .meta({ description: 'The timeline, oldest first.' }),
    attempt: z.number().int().optional().meta({ description: 'From the second attempt on (after a failure): which attempt this is.' }),
    eta: z
      .object({
        earliest: Timestamp,
        latest: Timestamp,
        basis: z.enum(['courier_position', 'pickup', 'slot', 'round']).meta({ description: "Estimated from the courier's round (its stops in the hub's order, from the courier's recent position), from the courier's recent position, from the pickup address, or (a pickup at a donor's) the booked slot." }),
      })
      .optional()
      .meta({ description: 'While the delivery is under way (assigned or picked up): a window, rounded to 5 minutes.' }),
    stage: z.enum(hubStages).optional().meta({ description: 'Through the hub only: `expected` (not on its way to the hub yet), `to_hub`, `at_hub`, `left_hub` (on its way to the drop-off).' }),
    collectionPoint: z.object({ name: z.string() }).optional().meta({ description: 'Delivered to a collection point: the partner shop where the recipient collects the parcel.' }),
    dropoff: z.object({ city: z.string() }),
    hub: z.object({ name: z.string() }).meta({ description: 'The cooperative that delivers.' }),
  })
  .meta({ id: 'Tracking' });
export type TrackingView = z.output<typeof TrackingView>;

/**
 * Any string: a malformed token must get the very 404 an unknown or expired one gets (a failed
 * path validation would answer differently), so the domain checks the shape.
 */
export const TokenParam = z.object({ token: z.string() });

/** `lang` chooses the page's language; anything else in the query is ignored (links get decorated). */
export const TrackingPageQuery = z.object({
  lang: z.enum(['fr', 'en']).optional().catch(undefined).meta({ description: 'The page language; without it, `Accept-Language` decides, then French.' }),
});
