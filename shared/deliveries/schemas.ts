import * as z from 'zod';
import { Address, Coordinates, storableNumber, text, Timestamp } from '../schemas/common.js';

export const deliveryStatuses = ['booked', 'assigned', 'picked_up', 'delivered', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
export const deliveryKinds = ['delivery', 'pickup'] as const;
export type DeliveryKind = (typeof deliveryKinds)[number];
export const services = ['standard', 'express'] as const;

export const Contact = z
  .strictObject({
    name: text(200),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ().-]{6,25}$/, 'must be a phone number')
      .optional(),
    email: z.email().max(254).optional(),
  })
  .meta({ id: 'Contact' });

/** A time window, as instants. Checked against the clock in the domain, not here. */
export const Window = z
  .strictObject({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) })
  .meta({ id: 'Window', description: 'ISO 8601 instants; `end` after `start`.' });

/** Under 1 g is not a parcel (prices count whole grams); over 1000 kg no cargo bike carries. */
const parcelWeightKg = storableNumber({ min: 0.001, max: 1000 }).meta({ description: 'Kilograms, from 0.001 (1 g) to 1000.' });
/** Under 1 mm is not a parcel's side. */
const parcelSideCm = storableNumber({ min: 0.1, max: 400 }).meta({ description: 'Centimetres, from 0.1 (1 mm) to 400.' });

export const Parcel = z
  .strictObject({
    weightKg: parcelWeightKg,
    lengthCm: parcelSideCm.optional(),
    widthCm: parcelSideCm.optional(),
    heightCm: parcelSideCm.optional(),
    description: text(500).optional(),
  })
  .meta({ id: 'Parcel', description: 'Give all three dimensions or none.' });

/** What the courier should know at a stop (door code, floor, opening hours); never on the tracking page. */
const instructions = text(500).meta({ description: 'For the courier at this stop: door code, floor, opening hours.' });

export const PickupStop = z.strictObject({ address: Address, contact: Contact.optional(), window: Window.optional(), instructions: instructions.optional() });
export type PickupStop = z.output<typeof PickupStop>;
export const DropoffStop = z.strictObject({ address: Address, contact: Contact, window: Window.optional(), instructions: instructions.optional() });
export type DropoffStop = z.output<typeof DropoffStop>;

/** Said wherever a stop may be left out: what applies instead. */
export const DEFAULT_STOP_RULE =
  "the tenant's default pickup (`PUT /v1/tenants/{id}/default-pickup`), or, when it saved none, its registered address with its name as the contact";

export const QuoteRequest = z
  .strictObject({
    pickup: PickupStop.optional().meta({ description: `Where the courier collects the parcels. Left out: ${DEFAULT_STOP_RULE}.` }),
    dropoff: DropoffStop,
    parcels: z.array(Parcel).min(1).max(20),
    service: z.enum(services).default('standard'),
  })
  .meta({ id: 'QuoteRequest' });
export type QuoteRequest = z.output<typeof QuoteRequest>;

export const Price = z
  .object({ currency: z.literal('EUR'), net: z.number().int(), vat: z.number().int(), gross: z.number().int() })
  .meta({ id: 'Price', description: 'Integer cents, EUR.' });

export const PriceLine = z
  .object({
    code: z.string().meta({ description: 'Stable, for programs: `base`, `distance`, `weight`, `volume`, `express`.' }),
    label: z.string().meta({ description: "For people, in the request's language (`Accept-Language`; French by default). Made again from `code` and `threshold` on every read." }),
    amount: z.number().int(),
    threshold: z
      .number()
      .optional()
      .meta({ description: '`distance`: the km the base fare covers; `weight`: the upper bound of the weight tier, kg; `volume`: the litres included. Absent on the other lines.' }),
  })
  .meta({ id: 'PriceLine' });

export const ResolvedAddress = z.object({
  line1: z.string(),
  line2: z.string().optional(),
  postcode: z.string(),
  city: z.string(),
  country: z.literal('FR'),
  lat: z.number(),
  lng: z.number(),
});
export type ResolvedAddress = z.output<typeof ResolvedAddress>;
const ResolvedStop = z.object({ address: ResolvedAddress, contact: Contact.optional(), window: Window.optional(), instructions: z.string().optional() });

/** What a priced request carries, in a quote and in the delivery booked from it. */
const pricedFields = {
  pickup: ResolvedStop,
  dropoff: ResolvedStop,
  parcels: z.array(Parcel),
  service: z.enum(services),
  price: Price,
  lines: z.array(PriceLine),
  distanceMeters: z.number().int(),
};

export const Quote = z
  .object({
    id: z.string(),
    object: z.literal('quote'),
    status: z.enum(['open', 'booked', 'expired']),
    ...pricedFields,
    expiresAt: Timestamp,
    createdAt: Timestamp,
    deliveryId: z.string().optional(),
  })
  .meta({ id: 'Quote' });
export type Quote = z.output<typeof Quote>;

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
