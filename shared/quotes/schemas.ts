import * as z from 'zod';
import { Address, storableNumber, text, Timestamp } from '../schemas/common.js';

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
export const pricedFields = {
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

