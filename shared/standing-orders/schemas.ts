import * as z from 'zod';
import { text, Timestamp } from '../schemas/common.js';
import { DropoffStop, Parcel, PickupStop, services } from '../quotes/schemas.js';
import { LocalDate } from '../slots/schemas.js';
import { deliveryStatuses } from '../deliveries/schemas.js';

export const standingOrderStatuses = ['active', 'paused', 'ended'] as const;
export type StandingOrderStatus = (typeof standingOrderStatuses)[number];
export const occurrenceStates = ['scheduled', 'booked', 'skipped', 'failed'] as const;
export type OccurrenceState = (typeof occurrenceStates)[number];
export const skipCodes = ['public_holiday', 'closure', 'skipped_by_tenant', 'too_late'] as const;

const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM (Europe/Paris)');

export const LocalWindow = z
  .strictObject({ start: LocalTime, end: LocalTime })
  .meta({ id: 'LocalWindow', description: 'Europe/Paris local times `HH:MM` on the occurrence\'s day; `end` after `start`.' });
export type LocalWindow = z.output<typeof LocalWindow>;

export const PickupLocalWindow = LocalWindow.extend({
  dayBefore: z.boolean().optional().meta({ description: 'An evening pickup the day before the delivery: the parcels spend the night at the hub.' }),
}).meta({ id: 'PickupLocalWindow' });

export const ClosureInput = z
  .strictObject({
    start: LocalDate.meta({ description: 'First closed day (Europe/Paris), inclusive.' }),
    end: LocalDate.meta({ description: 'Last closed day, inclusive.' }),
    reason: text(200).meta({ description: 'Shown on each skipped occurrence: "Vacances de la Toussaint", "Fermeture estivale du hub".' }),
  })
  .meta({ id: 'ClosureInput' });
export type ClosureInput = z.output<typeof ClosureInput>;

export const Closure = z.object({ id: z.string(), start: z.string(), end: z.string(), reason: z.string() }).meta({ id: 'Closure' });
export type Closure = z.output<typeof Closure>;

export const PutClosuresBody = z.strictObject({ closures: z.array(ClosureInput).max(200) }).meta({ id: 'PutClosuresRequest', description: 'The whole list: it replaces the one kept.' });
export type PutClosuresBody = z.output<typeof PutClosuresBody>;

export const ClosureList = z
  .object({
    object: z.literal('closure_list'),
    scope: z.enum(['tenant', 'hub']),
    tenantId: z.string().nullable(),
    closures: z.array(Closure),
    updatedAt: Timestamp.nullable(),
  })
  .meta({ id: 'ClosureList', description: 'Closure periods skipped by standing orders: the tenant\'s apply to its own orders, the hub\'s to every order.' });
export type ClosureList = z.output<typeof ClosureList>;

const StandingPickup = PickupStop.omit({ window: true });
const StandingDropoff = DropoffStop.omit({ window: true });

const orderFields = {
  reference: text(100).optional().meta({ description: 'Copied onto each delivery booked (an occurrence may change its own).' }),
  pickup: StandingPickup.optional().meta({ description: "Where the courier collects the parcels; left out: the tenant's default pickup, read at each booking." }),
  dropoff: StandingDropoff,
  parcels: z.array(Parcel).min(1).max(20),
  service: z.enum(services).default('standard'),
  window: LocalWindow.meta({ description: 'The drop-off window on each occurrence\'s day, Europe/Paris local times.' }),
  pickupWindow: PickupLocalWindow.optional().meta({ description: 'A pickup window (same day, or `dayBefore`). Not with `slotStart`.' }),
  slotStart: LocalTime.optional().meta({ description: "Book into the hub's pickup slot of the day that starts at this time (`GET /v1/slots`). No such slot, or full: the occurrence fails with its reason." }),
  rrule: z.string().min(1).max(500).meta({ description: 'RFC 5545 recurrence rule, with or without `RRULE:` (e.g. `FREQ=WEEKLY;BYDAY=MO,TU,TH,FR`). At most once a day; no DTSTART (it is `startDate`).' }),
  startDate: LocalDate,
  endDate: LocalDate.nullable().optional().meta({ description: 'Last day, inclusive; null or left out: no end (only the horizon is ever booked).' }),
  skipPublicHolidays: z.boolean().default(true).meta({ description: "French national public holidays are skipped (Alsace-Moselle's extra days are regional, not skipped)." }),
  closures: z.array(ClosureInput).max(100).default([]).meta({ description: "The order's own closure periods, on top of the tenant's and the hub's." }),
};

export const CreateStandingOrderBody = z.strictObject(orderFields).meta({ id: 'CreateStandingOrderRequest' });
export type CreateStandingOrderBody = z.output<typeof CreateStandingOrderBody>;

export const PreviewStandingOrderBody = z
  .strictObject({
    ...orderFields,
    count: z.number().int().min(1).max(366).optional().meta({ description: 'How many occurrences (skipped ones included): 20 by default.' }),
    until: LocalDate.optional().meta({ description: 'Or every occurrence up to this day (at most 366 days from the first).' }),
  })
  .meta({ id: 'PreviewStandingOrderRequest' });
export type PreviewStandingOrderBody = z.output<typeof PreviewStandingOrderBody>;

export const PatchStandingOrderBody = z
  .strictObject({
    reference: text(100).nullable().optional(),
    pickup: StandingPickup.nullable().optional().meta({ description: "null: back to the tenant's default pickup." }),
    dropoff: StandingDropoff.optional(),
    parcels: z.array(Parcel).min(1).max(20).optional(),
    service: z.enum(services).optional(),
    window: LocalWindow.optional(),
    pickupWindow: PickupLocalWindow.nullable().optional(),
    slotStart: LocalTime.nullable().optional(),
    rrule: z.string().min(1).max(500).optional(),
    startDate: LocalDate.optional(),
    endDate: LocalDate.nullable().optional(),
    skipPublicHolidays: z.boolean().optional(),
    closures: z.array(ClosureInput).max(100).optional(),
    version: z.number().int().min(1).optional().meta({ description: 'The version read: a change made meanwhile answers 409 `version_conflict`.' }),
  })
  .meta({ id: 'PatchStandingOrderRequest', description: 'Applies to occurrences not booked yet; a booked day the change takes away (rrule, dates, closures, skipPublicHolidays) has its delivery cancelled, free, while still `booked`.' });
export type PatchStandingOrderBody = z.output<typeof PatchStandingOrderBody>;

export const StandingOrder = z
  .object({
    id: z.string(),
    object: z.literal('standing_order'),
    tenantId: z.string(),
    status: z.enum(standingOrderStatuses),
    reference: z.string().nullable(),
    pickup: StandingPickup.nullable(),
    dropoff: StandingDropoff,
    parcels: z.array(Parcel),
    service: z.enum(services),
    window: LocalWindow,
    pickupWindow: PickupLocalWindow.nullable(),
    slotStart: z.string().nullable(),
    rrule: z.string(),
    startDate: z.string(),
    endDate: z.string().nullable(),
    skipPublicHolidays: z.boolean(),
    closures: z.array(Closure),
    endedOn: z.string().nullable().meta({ description: 'When ended: the day from which nothing is delivered (the end date is the day before).' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    version: z.number().int(),
  })
  .meta({ id: 'StandingOrder' });
export type StandingOrder = z.output<typeof StandingOrder>;

export const OccurrenceOverride = z
  .strictObject({
    window: LocalWindow.optional(),
    parcels: z.array(Parcel).min(1).max(20).optional(),
    instructions: text(500).optional().meta({ description: 'For the courier at the drop-off, this day only.' }),
    reference: text(100).optional(),
  })
  .meta({ id: 'OccurrenceOverride', description: 'What changes on one day only.' });
export type OccurrenceOverride = z.output<typeof OccurrenceOverride>;

const OccurrenceReason = z.object({ code: z.string(), label: z.string() }).meta({ id: 'OccurrenceReason', description: 'Skipped: `public_holiday` (its French name), `closure` (its reason), `skipped_by_tenant`, `too_late`. Failed: the booking\'s error code and message.' });

export const Occurrence = z
  .object({
    object: z.literal('standing_order_occurrence'),
    standingOrderId: z.string(),
    date: z.string(),
    state: z.enum(occurrenceStates),
    window: z.object({ start: Timestamp, end: Timestamp }).meta({ description: 'The drop-off window of that day, as instants.' }),
    deliveryId: z.string().nullable(),
    deliveryStatus: z.enum(deliveryStatuses).nullable(),
    reason: OccurrenceReason.nullable(),
    override: OccurrenceOverride.nullable(),
    failedAt: Timestamp.nullable(),
  })
  .meta({ id: 'StandingOrderOccurrence' });
export type Occurrence = z.output<typeof Occurrence>;

export const OccurrenceList = z.object({ object: z.literal('list'), data: z.array(Occurrence), from: z.string(), to: z.string() }).meta({ id: 'OccurrenceList' });

export const PreviewOccurrence = z
  .object({ date: z.string(), bookable: z.boolean(), window: z.object({ start: Timestamp, end: Timestamp }), reason: OccurrenceReason.nullable() })
  .meta({ id: 'PreviewOccurrence' });
export const Preview = z.object({ object: z.literal('standing_order_preview'), data: z.array(PreviewOccurrence), hasMore: z.boolean() }).meta({ id: 'StandingOrderPreview' });
export type Preview = z.output<typeof Preview>;

export const ListStandingOrdersQuery = z.strictObject({
  tenantId: z.string().min(1).max(64).optional().meta({ description: "The hub: one tenant's orders (all tenants' without it)." }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

export const OccurrencesQuery = z.strictObject({
  from: LocalDate.optional().meta({ description: 'First day (default today, Europe/Paris).' }),
  to: LocalDate.optional().meta({ description: 'Last day (default today + the horizon); at most 366 days after `from`.' }),
});

export const OccurrenceParams = z.strictObject({ id: z.string().min(1).max(128), date: z.string().min(1).max(32) });
export const SkipBody = z.strictObject({ reason: text(500).optional() }).meta({ id: 'SkipOccurrenceRequest' });
export const EndBody = z.strictObject({ date: LocalDate.optional().meta({ description: 'The first day without deliveries (default today, Europe/Paris).' }) }).meta({ id: 'EndStandingOrderRequest' });
/** The furthest a day is booked ahead (a booking's window must start within 90 days). */
export const MAX_HORIZON_DAYS = 80;
export const RunBody = z.strictObject({ horizonDays: z.number().int().min(0).max(MAX_HORIZON_DAYS).optional().meta({ description: `Days ahead to book (14 by default, at most ${MAX_HORIZON_DAYS}).` }) }).meta({ id: 'RunStandingOrdersRequest' });

export const RunResult = z
  .object({
    object: z.literal('standing_order_run'),
    orders: z.number().int(),
    booked: z.number().int(),
    alreadyBooked: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
  })
  .meta({ id: 'StandingOrderRun' });
export type RunResult = z.output<typeof RunResult>;

export const ReconcileConflict = z
  .object({ standingOrderId: z.string(), date: z.string(), deliveryId: z.string(), deliveryStatus: z.string().nullable(), reason: z.string() })
  .meta({ id: 'StandingOrderConflict', description: 'A booked day the change took away whose delivery is already assigned or under way (or its first leg has the parcels): kept; the hub or the tenant decides.' });
const reconciled = {
  cancelledDeliveryIds: z.array(z.string()).meta({ description: 'Deliveries of days the change took away (a closure, a public holiday, a rule or dates no longer giving them), still `booked`: cancelled, free (both legs through the hub); their days are `skipped`.' }),
  conflicts: z.array(ReconcileConflict),
};
export const ClosureChange = ClosureList.extend(reconciled).meta({ id: 'ClosureChange' });
export const UpdatedStandingOrder = StandingOrder.extend(reconciled).meta({ id: 'UpdatedStandingOrder' });

export const EndResult = StandingOrder.extend({
  kept: z.array(z.object({ date: z.string(), deliveryId: z.string(), reason: z.string() })).meta({ description: 'The kept deliveries with why (assigned, under way, or a cancellation that failed: end the order again to retry).' }),
  cancelledDeliveryIds: z.array(z.string()).meta({ description: 'Deliveries after the end still `booked`: cancelled, free.' }),
  keptDeliveryIds: z.array(z.string()).meta({ description: 'Deliveries after the end already assigned or under way: kept (cancel them one by one if needed).' }),
}).meta({ id: 'EndedStandingOrder' });
