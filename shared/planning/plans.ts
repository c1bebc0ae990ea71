import * as z from 'zod';
import { defineEvent } from '../events/definition.js';
import { Timestamp } from '../schemas/common.js';

/** What the hub's planner proposes for a day (`POST /v1/hub/plans`), then applies on request. */
export const planStatuses = ['pending', 'ready', 'failed', 'applied'] as const;
export const planTriggers = ['request', 'booking', 'cancellation'] as const;

const Load = z.object({ kg: z.number(), litres: z.number() });

export const PlannedStop = z
  .object({
    deliveryId: z.string(),
    type: z.enum(['pickup', 'dropoff']),
    reference: z.string().nullable(),
    arrival: Timestamp,
    serviceStart: Timestamp,
    departure: Timestamp,
    loadAfter: Load,
    distanceMeters: z.number().meta({ description: 'Ridden since the start of the round when the stop is reached.' }),
  })
  .meta({ id: 'PlannedStop' });

export const PlannedRound = z
  .object({
    courierId: z.string(),
    courierName: z.string(),
    stops: z.array(PlannedStop),
    reloads: z.number().int().meta({ description: 'Returns to the depot to unload and reload (multi-trip).' }),
    breaks: z.array(z.object({ start: Timestamp, end: Timestamp })),
    startsAt: Timestamp,
    endsAt: Timestamp,
    distanceMeters: z.number(),
    durationSeconds: z.number().int(),
    travelSeconds: z.number().int(),
  })
  .meta({ id: 'PlannedRound' });

export const unassignedReasons = ['capacity', 'time_window', 'no_shift', 'skills', 'no_room'] as const;

export const Plan = z
  .object({
    id: z.string(),
    object: z.literal('plan'),
    date: z.string(),
    status: z.enum(planStatuses).meta({ description: '`pending` while the planner works (a few seconds), then `ready` (or `failed`), then `applied` once applied.' }),
    trigger: z.enum(planTriggers).meta({ description: '`request`: asked for; `booking`/`cancellation`: proposed by itself when a delivery of the day was booked or cancelled.' }),
    couriers: z.array(z.string()).nullable().meta({ description: 'The couriers asked for; null: every courier with a shift that day.' }),
    timeLimitSeconds: z.number().int(),
    rounds: z.array(PlannedRound),
    unassigned: z.array(z.object({ deliveryId: z.string(), reference: z.string().nullable(), reason: z.enum(unassignedReasons), message: z.string() })),
    summary: z
      .object({ deliveries: z.number().int(), served: z.number().int(), couriers: z.number().int(), distanceMeters: z.number(), travelSeconds: z.number().int(), moved: z.number().int().meta({ description: 'Stops placed elsewhere than in the current rounds.' }) })
      .nullable(),
    error: z.string().nullable(),
    createdAt: Timestamp,
    finishedAt: Timestamp.nullable(),
    appliedAt: Timestamp.nullable(),
  })
  .meta({ id: 'Plan' });
export type Plan = z.output<typeof Plan>;

/** As stored: the plan, and the version of each delivery it was made from (apply refuses if one moved). */
export type StoredPlan = Plan & { basedOn: Record<string, number> };

export const CreatePlanBody = z
  .strictObject({
    date: z.iso.date('must be a date, YYYY-MM-DD').meta({ description: 'The Paris day to plan.' }),
    couriers: z.array(z.string().min(1).max(64)).min(1).max(50).optional().meta({ description: 'Only these couriers (each needs a shift that day); all with a shift when left out.' }),
    timeLimitSeconds: z.number().int().min(1).max(60).default(10).meta({ description: 'How long the planner may search (1–60 s, 10 by default).' }),
  })
  .meta({ id: 'CreatePlanRequest' });
export type CreatePlanBody = z.output<typeof CreatePlanBody>;

export const planEvents = {
  /** A plan to compute, off the request path (internal: the planner's consumer only). */
  requested: defineEvent('plan.requested', { version: 1, internal: true, data: z.object({ planId: z.string(), date: z.string() }) }),
} as const;
