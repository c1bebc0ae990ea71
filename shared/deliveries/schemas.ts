import * as z from 'zod';
import { Coordinates, text, Timestamp } from '../schemas/common.js';
import { DEFAULT_STOP_RULE, DropoffStop, PickupStop, Price, pricedFields, QuoteRequest } from '../quotes/schemas.js';

export const deliveryStatuses = ['booked', 'assigned', 'picked_up', 'delivered', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
export const deliveryKinds = ['delivery', 'pickup'] as const;
export type DeliveryKind = (typeof deliveryKinds)[number];
const bookingFields = {
  reference: text(100).optional(),
  kind: z.enum(deliveryKinds).default('delivery'),
  slotId: z.string().min(1).max(64).optional(),
};

export const BookFromQuote = z.strictObject({ quoteId: z.string().min(1).max(64), ...bookingFields }).meta({ id: 'BookFromQuote' });
export const BookDirect = QuoteRequest.extend({
  ...bookingFields,
  pickup: PickupStop.optional().meta({
    description: `Where the courier collects the parcels. For a delivery, left out means ${DEFAULT_STOP_RULE}. For a pickup (\`kind: "pickup"\`), required: it is the donor's address.`,
  }),
  dropoff: DropoffStop.optional().meta({
    description: `Where the parcels go. Required for a delivery. For a pickup (\`kind: "pickup"\`: a ressourcerie collecting a donation, \`pickup\` being the donor's address, required then), left out means ${DEFAULT_STOP_RULE}.`,
  }),
}).meta({ id: 'BookDirect' });
export const CreateDeliveryBody = z.union([BookFromQuote, BookDirect]).meta({ id: 'CreateDeliveryRequest', description: 'Book a quote, or price and book in one call.' });
export type CreateDeliveryBody = z.output<typeof CreateDeliveryBody>;

export const TimelineEntry = z.object({ status: z.enum(deliveryStatuses), at: Timestamp }).meta({ id: 'TimelineEntry' });

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
    proof: z.object({ recipientName: z.string().optional(), note: z.string().optional() }).nullable(),
    failureReason: z.string().nullable(),
    cancellation: z.object({ reason: z.string().nullable(), at: Timestamp, fee: Price.nullable() }).nullable(),
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

export const CancelBody = z.strictObject({ reason: text(500).optional() }).meta({ id: 'CancelRequest' });
export const AssignBody = z.strictObject({ courierId: z.string().min(1).max(64) }).meta({ id: 'AssignRequest' });

export const courierEventTypes = ['picked_up', 'delivered', 'failed', 'position'] as const;
export const CourierEventBody = z
  .strictObject({
    type: z.enum(courierEventTypes),
    at: z.iso.datetime({ offset: true }).optional(),
    position: Coordinates.optional(),
    proof: z.strictObject({ recipientName: text(200).optional(), note: text(1000).optional() }).optional(),
    reason: text(500).optional(),
  })
  .meta({ id: 'CourierEvent' });
export type CourierEventBody = z.output<typeof CourierEventBody>;
