import * as z from 'zod';
import { CourierToday, Courier, Place, Shift } from '../couriers/schemas.js';
import { Delivery } from '../deliveries/schemas.js';
import { Contact, Parcel } from '../quotes/schemas.js';
import { Timestamp } from '../schemas/common.js';

export const stopTypes = ['pickup', 'dropoff'] as const;
const LoadSchema = z.object({ kg: z.number(), litres: z.number() });

export const RoundStop = z
  .object({
    deliveryId: z.string(),
    type: z.enum(stopTypes),
    tenantId: z.string(),
    reference: z.string().nullable(),
    kind: z.enum(['delivery', 'pickup']),
    deliveryStatus: z.string(),
    status: z.enum(['pending', 'arrived', 'done', 'failed']),
    address: z.object({ line1: z.string(), line2: z.string().optional(), postcode: z.string(), city: z.string(), lat: z.number(), lng: z.number() }),
    contact: Contact.nullable(),
    instructions: z.string().nullable(),
    window: z.object({ start: Timestamp, end: Timestamp }).nullable(),
    parcels: z.array(Parcel),
    weightKg: z.number(),
    litres: z.number(),
    plannedArrival: Timestamp,
    plannedDeparture: Timestamp,
    loadAfter: LoadSchema,
    late: z.boolean().meta({ description: "The planned arrival is after the stop's window." }),
    lateMinutes: z.number().int(),
  })
  .meta({ id: 'RoundStop' });
export type RoundStop = z.output<typeof RoundStop>;

export const RoundAlert = z
  .object({ code: z.enum(['late', 'over_capacity', 'outside_shift', 'no_shift']), deliveryId: z.string().optional(), message: z.string() })
  .meta({ id: 'RoundAlert' });
export type RoundAlert = z.output<typeof RoundAlert>;

export const Round = z
  .object({
    object: z.literal('round'),
    courierId: z.string(),
    date: z.string(),
    version: z.number().int().meta({ description: 'Send it back with `PUT` to change the order only if nobody changed it meanwhile.' }),
    stops: z.array(RoundStop),
    capacity: LoadSchema,
    maxLoad: LoadSchema,
    overCapacity: z.boolean(),
    startsAt: Timestamp,
    endsAt: Timestamp,
    shift: Shift.nullable(),
    alerts: z.array(RoundAlert),
  })
  .meta({ id: 'Round' });
export type Round = z.output<typeof Round>;

export const PutRoundBody = z
  .strictObject({
    stops: z.array(z.strictObject({ deliveryId: z.string().min(1).max(64), type: z.enum(stopTypes) })).max(98),
    version: z.number().int().min(0).optional().meta({ description: 'The version read: refused with 409 `version_conflict` when the round changed since.' }),
  })
  .meta({ id: 'PutRoundRequest', description: "The whole order of the courier's stops that day." });
export type PutRoundBody = z.output<typeof PutRoundBody>;

export const DayQuery = z.strictObject({ date: z.iso.date('must be a date, YYYY-MM-DD').optional().meta({ description: 'The Paris day; today when left out.' }) });

export const Board = z
  .object({
    object: z.literal('board'),
    date: z.string(),
    generatedAt: Timestamp,
    depot: Place,
    couriers: z.array(CourierToday.extend({ round: Round })),
    unassigned: z.array(Delivery),
    deliveries: z.array(Delivery),
    map: z.object({ tileUrl: z.string().nullable(), attribution: z.string().nullable() }).meta({ description: 'The tile source of the map (configuration); null: markers and outlines only.' }),
  })
  .meta({ id: 'Board' });
export type Board = z.output<typeof Board>;

export const CourierRound = z
  .object({
    object: z.literal('courier_round'),
    generatedAt: Timestamp.meta({ description: "The server's time when it answered: a phone whose clock is off can correct the times of its steps." }),
    courier: Courier,
    date: z.string(),
    shift: Shift.nullable(),
    round: Round,
    onBike: z.array(z.object({ deliveryId: z.string(), reference: z.string().nullable(), parcels: z.array(Parcel), weightKg: z.number(), litres: z.number() })),
    positionReporting: z.object({ active: z.boolean(), intervalSeconds: z.number().int() }),
  })
  .meta({ id: 'CourierRound' });
export type CourierRound = z.output<typeof CourierRound>;
