import * as z from 'zod';
import { Address, storableNumber, text, Timestamp } from '../schemas/common.js';

export const vehicleTypes = ['cargo_bike', 'e_cargo_bike', 'bike_trailer', 'bike', 'on_foot'] as const;
export type VehicleType = (typeof vehicleTypes)[number];

/**
 * What each kind of vehicle carries when the hub gives only its type: the cooperative's own
 * bikes (a two-wheel cargo bike with a 100 kg / 300 L box; an electric long-john 150 kg; a bike
 * pulling a 60 kg trailer; a bike's panniers; a courier on foot with a backpack).
 */
export const vehicleDefaults: Record<VehicleType, { capacityKg: number; capacityLitres: number }> = {
  cargo_bike: { capacityKg: 100, capacityLitres: 300 },
  e_cargo_bike: { capacityKg: 150, capacityLitres: 400 },
  bike_trailer: { capacityKg: 60, capacityLitres: 200 },
  bike: { capacityKg: 15, capacityLitres: 50 },
  on_foot: { capacityKg: 8, capacityLitres: 30 },
};

export const Vehicle = z
  .object({ type: z.enum(vehicleTypes), capacityKg: z.number(), capacityLitres: z.number() })
  .meta({ id: 'Vehicle', description: 'What the courier rides and how much it carries.' });
export type Vehicle = z.output<typeof Vehicle>;

export const VehicleInput = z
  .strictObject({
    type: z.enum(vehicleTypes),
    capacityKg: storableNumber({ min: 0.1, max: 1000 }).optional().meta({ description: 'Kilograms; the type\'s usual capacity when left out.' }),
    capacityLitres: storableNumber({ min: 0.1, max: 5000 }).optional().meta({ description: 'Litres; the type\'s usual capacity when left out.' }),
  })
  .meta({ id: 'VehicleInput' });
export type VehicleInput = z.output<typeof VehicleInput>;

export function vehicleOf(input: VehicleInput | undefined): Vehicle {
  const type = input?.type ?? 'cargo_bike';
  const defaults = vehicleDefaults[type];
  return { type, capacityKg: input?.capacityKg ?? defaults.capacityKg, capacityLitres: input?.capacityLitres ?? defaults.capacityLitres };
}

export const CreateCourierBody = z
  .strictObject({
    name: text(200),
    email: z.email('must be an e-mail address').max(254).optional().meta({ description: 'The courier signs in with it (an e-mailed link), like every person.' }),
    vehicle: VehicleInput.optional(),
  })
  .meta({ id: 'CreateCourierRequest' });
export type CreateCourierBody = z.output<typeof CreateCourierBody>;

export const UpdateCourierBody = z.strictObject({ name: text(200).optional(), vehicle: VehicleInput.optional() }).meta({ id: 'UpdateCourierRequest' });
export type UpdateCourierBody = z.output<typeof UpdateCourierBody>;

export const Position = z.object({ lat: z.number(), lng: z.number(), at: Timestamp }).meta({ id: 'Position' });

export const Courier = z
  .object({
    id: z.string(),
    object: z.literal('courier'),
    name: z.string(),
    email: z.string().nullable(),
    userId: z.string().nullable().meta({ description: 'The person who signs in as this courier.' }),
    vehicle: Vehicle,
    createdAt: Timestamp,
  })
  .meta({ id: 'Courier' });
export type Courier = z.output<typeof Courier>;

/** As stored: the courier, and its last reported position (kept only while tracking needs it). */
export type StoredCourier = Courier & { lastPosition?: z.output<typeof Position> | null };

export const CourierCreated = Courier.extend({
  apiKey: z.string().meta({ description: "The courier's key. Shown this once, stored only as a hash." }),
}).meta({ id: 'CourierCreated' });

/** A place a shift starts or ends at, or a stop: resolved, with coordinates. */
export const Place = z
  .object({ label: z.string(), line1: z.string(), line2: z.string().optional(), postcode: z.string(), city: z.string(), lat: z.number(), lng: z.number() })
  .meta({ id: 'Place' });
export type Place = z.output<typeof Place>;

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day, HH:MM (Paris time)');

export const ShiftBody = z
  .strictObject({
    start: clock.meta({ description: 'When the shift starts, Paris time.' }),
    end: clock.meta({ description: 'When it ends, Paris time; at or before `start`, the next day.' }),
    breaks: z.array(z.strictObject({ start: clock, end: clock })).max(6).default([]).meta({ description: 'Breaks within the shift, Paris time.' }),
    startPlace: Address.optional().meta({ description: "Where the courier starts; the hub's depot when left out." }),
    endPlace: Address.optional().meta({ description: "Where the courier ends; the hub's depot when left out." }),
  })
  .meta({ id: 'ShiftRequest' });
export type ShiftBody = z.output<typeof ShiftBody>;

export const Shift = z
  .object({
    object: z.literal('shift'),
    courierId: z.string(),
    date: z.string(),
    start: z.string(),
    end: z.string(),
    startsAt: Timestamp,
    endsAt: Timestamp,
    breaks: z.array(z.object({ start: z.string(), end: z.string(), startsAt: Timestamp, endsAt: Timestamp })),
    startPlace: Place,
    endPlace: Place,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Shift' });
export type Shift = z.output<typeof Shift>;

export const courierStates = ['off', 'before_shift', 'on_shift', 'on_break', 'after_shift'] as const;
export type CourierState = (typeof courierStates)[number];

export const CourierToday = Courier.extend({
  date: z.string().meta({ description: 'The Paris day the shift and state are for.' }),
  shift: Shift.nullable(),
  state: z.enum(courierStates).meta({ description: '`off`: no shift that day; then before, on (riding), on a break, after.' }),
  lastPosition: Position.nullable().meta({ description: 'The last position reported during the shift (positions older than 10 minutes are not shown).' }),
  stops: z.object({ total: z.number().int(), done: z.number().int() }).meta({ description: "The day's round: stops in all, and done." }),
}).meta({ id: 'CourierToday' });
export type CourierToday = z.output<typeof CourierToday>;

export const CouriersQuery = z.strictObject({
  date: z.iso.date('must be a date, YYYY-MM-DD').optional().meta({ description: 'The Paris day; today when left out.' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

export const ShiftsQuery = z.strictObject({
  from: z.iso.date('must be a date, YYYY-MM-DD').optional(),
  to: z.iso.date('must be a date, YYYY-MM-DD').optional(),
});

export const DateParams = z.strictObject({ id: z.string().min(1).max(64), date: z.iso.date('must be a date, YYYY-MM-DD') });

export const PositionBody = z
  .strictObject({
    lat: storableNumber({ min: -90, max: 90 }),
    lng: storableNumber({ min: -180, max: 180 }),
    at: z.iso.datetime({ offset: true }).optional(),
    accuracyMeters: storableNumber({ min: 0, max: 100_000 }).optional(),
  })
  .meta({ id: 'PositionReport' });
export type PositionBody = z.output<typeof PositionBody>;
