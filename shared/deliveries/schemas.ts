import * as z from 'zod';
import { Coordinates, text, Timestamp } from '../schemas/common.js';
import { DEFAULT_STOP_RULE, DropoffStop, PickupStop, Price, pricedFields, QuoteRequest } from '../quotes/schemas.js';

export const deliveryStatuses = ['booked', 'assigned', 'picked_up', 'delivered', 'failed', 'returned', 'cancelled', 'returned_to_sender'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
export const deliveryKinds = ['delivery', 'pickup'] as const;
export type DeliveryKind = (typeof deliveryKinds)[number];
const bookingFields = {
  reference: text(100).optional(),
  kind: z.enum(deliveryKinds).default('delivery'),
  slotId: z.string().min(1).max(64).optional(),
};

export const BookFromQuote = z.strictObject({ quoteId: z.string().min(1).max(64), ...bookingFields }).meta({ id: 'BookFromQuote' });
/** Through the hub: who brings the parcels there (a courier, on a first leg of its own; or the tenant itself). */
export const hubFirstLegs = ['courier', 'tenant'] as const;
export const ViaHub = z
  .strictObject({
    firstLeg: z.enum(hubFirstLegs).default('courier').meta({ description: '`courier` (default): a courier collects the parcels at the pickup and brings them to the hub (a first-leg delivery of its own); `tenant`: the tenant brings them to the hub itself.' }),
  })
  .meta({ id: 'ViaHub' });
export const BookDirect = QuoteRequest.extend({
  ...bookingFields,
  viaHub: ViaHub.optional().meta({ description: 'Through the hub: pickup → hub → drop-off (see docs/hub.md). The delivery is the last leg, from the hub; a first leg brings the parcels there.' }),
  collectionPointId: z.string().min(1).max(64).optional().meta({ description: 'A collection point (`GET /v1/collection-points`) where the recipient collects the parcels: it becomes the drop-off address (the contact stays the recipient given in `dropoff`).' }),
  pickup: PickupStop.optional().meta({
    description: `Where the courier collects the parcels. For a delivery, left out means ${DEFAULT_STOP_RULE}. For a pickup (\`kind: "pickup"\`), required: it is the donor's address.`,
  }),
  dropoff: DropoffStop.optional().meta({
    description: `Where the parcels go. Required for a delivery. For a pickup (\`kind: "pickup"\`: a ressourcerie collecting a donation, \`pickup\` being the donor's address, required then), left out means ${DEFAULT_STOP_RULE}.`,
  }),
}).meta({ id: 'BookDirect' });
export const CreateDeliveryBody = z.union([BookFromQuote, BookDirect]).meta({ id: 'CreateDeliveryRequest', description: 'Book a quote, or price and book in one call.' });
export type CreateDeliveryBody = z.output<typeof CreateDeliveryBody>;

export const failureCodes = ['absent', 'refused', 'address_not_found', 'damaged', 'inaccessible', 'other'] as const;
export type FailureCode = (typeof failureCodes)[number];

export const TimelineEntry = z
  .object({
    status: z.enum(deliveryStatuses),
    at: Timestamp,
    step: z.enum(['arrived', 'rescheduled', 'at_hub']).optional().meta({ description: '`arrived`: the courier reached a stop (the status is unchanged); `rescheduled`: a new attempt was booked; `at_hub`: every parcel of a delivery through the hub is checked in there (the status is unchanged).' }),
    stop: z.enum(['pickup', 'dropoff']).optional().meta({ description: 'With `step: arrived`: which stop.' }),
    attempt: z.number().int().optional().meta({ description: 'The attempt this entry belongs to, from the second one on.' }),
    courierId: z.string().optional().meta({ description: 'With `assigned`: the courier it was assigned to.' }),
  })
  .meta({ id: 'TimelineEntry' });
export type TimelineEntry = z.output<typeof TimelineEntry>;

export const hubStages = ['expected', 'to_hub', 'at_hub', 'left_hub'] as const;
export type HubStage = (typeof hubStages)[number];
export const DeliveryHub = z
  .object({
    firstLeg: z.enum(hubFirstLegs),
    firstLegId: z.string().nullable().meta({ description: 'The first-leg delivery (pickup → hub) when a courier collects the parcels; `null` when the tenant brings them.' }),
    stage: z.enum(hubStages).meta({ description: '`expected`: not on its way to the hub yet; `to_hub`: the first leg picked the parcels up; `at_hub`: every parcel is checked in; `left_hub`: every parcel is checked out, on the last leg.' }),
    parcels: z.array(z.object({ number: z.number().int(), checkedInAt: Timestamp.nullable(), checkedOutAt: Timestamp.nullable() })).meta({ description: 'Each parcel (1-based `number`, as on its label) and when it was scanned in and out at the hub.' }),
    checkedInAt: Timestamp.nullable().meta({ description: 'When the last parcel was checked in (all at the hub).' }),
    checkedOutAt: Timestamp.nullable().meta({ description: 'When the last parcel was checked out (all left the hub).' }),
  })
  .meta({ id: 'DeliveryHub' });
export type DeliveryHub = z.output<typeof DeliveryHub>;

export const Delivery = z
  .object({
    id: z.string(),
    object: z.literal('delivery'),
    tenantId: z.string(),
    kind: z.enum(deliveryKinds),
    status: z.enum(deliveryStatuses),
    reference: z.string().nullable(),
    quoteId: z.string().nullable(),
    slot: z.object({ id: z.string(), date: z.string(), start: z.string(), end: z.string() }).nullable(),
    ...pricedFields,
    tracking: z.object({ token: z.string(), url: z.string() }),
    courierId: z.string().nullable(),
    timeline: z.array(TimelineEntry),
    lastPosition: Coordinates.extend({ at: Timestamp }).nullable(),
    proof: z
      .object({
        recipientName: z.string().optional(),
        note: z.string().optional(),
        photoId: z.string().optional().meta({ description: 'A photo of the parcel at the door: `GET /v1/deliveries/{id}/proof/photo` (the tenant and the hub only).' }),
        signatureId: z.string().optional().meta({ description: "The recipient's signature, as an image: `GET /v1/deliveries/{id}/proof/photo?purpose=signature`." }),
      })
      .nullable(),
    failureReason: z.string().nullable(),
    failure: z
      .object({ code: z.enum(failureCodes), note: z.string().nullable(), at: Timestamp, attempt: z.number().int(), fee: Price.nullable().optional().meta({ description: "The rate card's fee for a failed attempt, when it has one." }) })
      .nullable()
      .meta({ description: 'The last failed attempt: why (`absent`, `refused`, `address_not_found`, `damaged`, `inaccessible`, `other`) and the courier\'s note.' }),
    attempt: z.number().int().meta({ description: '1 for the first attempt; each reschedule (or return to the sender) after a failure adds one. The id and the timeline stay.' }),
    returnToSender: z.boolean().meta({ description: 'This attempt takes the parcel back to the sender (its pickup address); delivered, the delivery ends `returned_to_sender`.' }),
    origin: z
      .object({ address: z.object({ line1: z.string(), line2: z.string().optional(), postcode: z.string(), city: z.string(), country: z.literal('FR'), lat: z.number(), lng: z.number() }), contact: z.object({ name: z.string(), phone: z.string().optional(), email: z.string().optional() }).optional() })
      .nullable()
      .optional()
      .meta({ description: "Where the parcel first came from, once a new attempt leaves from the hub (a return to the sender goes there)." }),
    hub: DeliveryHub.nullable().optional().meta({ description: 'A delivery through the hub (this delivery is its last leg, from the hub): where the parcels are. `null` for a direct delivery.' }),
    leg: z.object({ of: z.string() }).nullable().optional().meta({ description: "A first leg (pickup → hub) of a delivery through the hub: `of` is that delivery's id. Not in the tenant's list, never billed, no recipient e-mails." }),
    collectionPoint: z.object({ id: z.string(), name: z.string() }).nullable().optional().meta({ description: 'The collection point the recipient collects the parcels at (its address is the drop-off).' }),
    serviceDate: z.string().meta({ description: "The Paris day the delivery is planned for: its slot's date, else its pickup window's, else its drop-off window's, else the day it was booked." }),
    cancellation: z.object({ reason: z.string().nullable(), at: Timestamp, fee: Price.nullable() }).nullable(),
    standingOrderId: z.string().nullable().optional().meta({ description: 'The standing order this delivery was booked for (`sto_…`), `null` for a delivery booked on its own. Same as `standingOrder.id`.' }),
    standingOrder: z.object({ id: z.string(), date: z.string() }).nullable().optional().meta({ description: 'The standing order this delivery was booked for, and the occurrence\'s day (`GET /v1/standing-orders/{id}/occurrences`). `null` for a delivery booked on its own.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    version: z.number().int(),
  })
  .meta({ id: 'Delivery' });
export type Delivery = z.output<typeof Delivery>;

export const ListDeliveriesQuery = z.strictObject({
  status: z.enum(deliveryStatuses).optional(),
  tenantId: z.string().min(1).max(64).optional().meta({ description: 'Admin and accountant: whose deliveries. Without it, `status` lists the whole hub.' }),
  from: z.iso.date('must be a date, YYYY-MM-DD').optional().meta({ description: 'Booked on or after this day (Europe/Paris).' }),
  to: z.iso.date('must be a date, YYYY-MM-DD').optional().meta({ description: 'Booked on or before this day (Europe/Paris).' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

export const RescheduleBody = z
  .strictObject({
    slotId: z.string().min(1).max(64).optional().meta({ description: 'A pickup slot for the new attempt (its window becomes the pickup window at the hub).' }),
    date: z.iso.date('must be a date, YYYY-MM-DD').optional().meta({ description: 'Without a slot: the Paris day of the new attempt.' }),
    dropoffWindow: z.strictObject({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) }).optional().meta({ description: 'A new window at the drop-off, when the recipient gave one.' }),
  })
  .meta({ id: 'RescheduleRequest', description: 'Give `slotId` or `date` (not both).' });
export type RescheduleBody = z.output<typeof RescheduleBody>;

export const ViaHubBody = z
  .strictObject({ firstLeg: z.enum(hubFirstLegs).optional().meta({ description: '`courier` (default): a first leg brings the parcels from the pickup to the hub; `tenant`: the tenant brings them itself.' }) })
  .meta({ id: 'ViaHubRequest' });

export const CancelBody = z.strictObject({ reason: text(500).optional() }).meta({ id: 'CancelRequest' });
export const AssignBody = z
  .strictObject({
    courierId: z.string().min(1).max(64),
    position: z.number().int().min(0).max(200).optional().meta({ description: "Where the delivery's stops go in the courier's round (0 = first); at the end when left out." }),
  })
  .meta({ id: 'AssignRequest' });

export const courierEventTypes = ['arrived', 'picked_up', 'delivered', 'failed', 'returned', 'position'] as const;
export const CourierEventBody = z
  .strictObject({
    type: z.enum(courierEventTypes),
    at: z.iso.datetime({ offset: true }).optional().meta({ description: 'When it happened (a phone that was offline sends its steps later, with their own time).' }),
    stop: z.enum(['pickup', 'dropoff']).optional().meta({ description: 'With `arrived`: which stop the courier reached.' }),
    position: Coordinates.optional(),
    proof: z
      .strictObject({
        recipientName: text(200).optional(),
        note: text(1000).optional(),
        photoId: z.string().min(1).max(64).optional().meta({ description: 'A photo uploaded through `POST /v1/courier/deliveries/{id}/photos`.' }),
        signatureId: z.string().min(1).max(64).optional().meta({ description: 'A signature uploaded the same way (`purpose: signature`).' }),
      })
      .optional(),
    reasonCode: z.enum(failureCodes).optional().meta({ description: 'With `failed`: why.' }),
    reason: text(500).optional().meta({ description: "With `failed`: the courier's note (required when `reasonCode` is left out)." }),
  })
  .meta({ id: 'CourierEvent' });
export type CourierEventBody = z.output<typeof CourierEventBody>;
