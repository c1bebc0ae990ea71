import type { Principal } from '../auth/principal.js';
import { config } from '../config.js';
import { courierRepository } from '../couriers/repository.js';
import type { CourierToday, Place, PositionBody, Shift, StoredCourier } from '../couriers/schemas.js';
import { courierView, shiftInProgress, stateAt } from '../couriers/service.js';
import { positionErrors } from '../couriers/errors.js';
import { transact, type TransactItem } from '../db/transact.js';
import { parisDateOf } from '../deliveries/day.js';
import { changeDelivery, RetryChange } from '../deliveries/lifecycle.js';
import { localizeDelivery } from '../deliveries/localize.js';
import { deliveryRepository } from '../deliveries/repository.js';
import type { Delivery } from '../deliveries/schemas.js';
import { applyTransition, pickedUpThisAttempt } from '../deliveries/state-machine.js';
import { deliveryEvents } from '../deliveries/events.js';
import { outboxEntry } from '../events/outbox.js';
import { getDepot } from '../hub/depot.js';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/language.js';
import { isId } from '../ids.js';
import { assignErrors, roundErrors } from './errors.js';
import { roundRepository, type StoredRound } from './repository.js';
import { parcelsLoad, planSchedule, type ScheduleStop } from './schedule.js';
import type { Board, CourierRound, Round, RoundAlert, RoundStop } from './schemas.js';

/** A position older than this says nothing about where the courier is now. */
export const POSITION_FRESH_MS = 10 * 60_000;
/** How often the courier's app reports a position during a round. */
export const POSITION_INTERVAL_SECONDS = 60;

type StopType = 'pickup' | 'dropoff';
interface OrderedStop {
  delivery: Delivery;
  type: StopType;
}

/** Deliveries that stand on a courier's round of the day (done ones stay, for the record). */
const onRoundStatuses = new Set(['assigned', 'picked_up', 'delivered', 'failed', 'returned', 'returned_to_sender']);

function mineOf(courierId: string, deliveries: readonly Delivery[]): Delivery[] {
  return deliveries.filter((delivery) => delivery.courierId === courierId && onRoundStatuses.has(delivery.status));
}

/**
 * The stops in the stored order, every delivery of the round with both its stops: stops of
 * deliveries no longer on the round are dropped, stops not in the stored order go at the end,
 * and a drop-off never comes before its pickup.
 */
export function orderStops(stored: StoredRound['stops'], mine: readonly Delivery[]): OrderedStop[] {
  const byId = new Map(mine.map((delivery) => [delivery.id, delivery]));
  const seen = new Set<string>();
  const out: OrderedStop[] = [];
  const push = (delivery: Delivery, type: StopType) => {
    const key = `${delivery.id}:${type}`;
    if (seen.has(key)) return;
    if (type === 'dropoff' && !seen.has(`${delivery.id}:pickup`)) push(delivery, 'pickup');
    seen.add(key);
    out.push({ delivery, type });
  };
  for (const stop of stored) {
    const delivery = byId.get(stop.deliveryId);
    if (delivery) push(delivery, stop.type);
  }
  for (const delivery of mine) {
    push(delivery, 'pickup');
    push(delivery, 'dropoff');
  }
  return out;
}

function entryAt(delivery: Delivery, predicate: (entry: Delivery['timeline'][number]) => boolean): number | undefined {
  const entry = delivery.timeline.findLast((candidate) => (candidate.attempt ?? 1) === delivery.attempt && predicate(candidate));
  return entry ? Date.parse(entry.at) : undefined;
}

function stopState(delivery: Delivery, type: StopType): { status: RoundStop['status']; doneAt?: number; arrivedAt?: number } {
  const arrivedAt = entryAt(delivery, (entry) => entry.step === 'arrived' && entry.stop === type);
  const pickedUp = pickedUpThisAttempt(delivery);
  if (type === 'pickup') {
    if (pickedUp) return { status: 'done', doneAt: entryAt(delivery, (entry) => entry.status === 'picked_up' && entry.step === undefined) as number, ...(arrivedAt ? { arrivedAt } : {}) };
    if (delivery.status === 'failed' || delivery.status === 'returned') return { status: 'failed', doneAt: entryAt(delivery, (entry) => entry.status === 'failed') as number };
    return { status: arrivedAt ? 'arrived' : 'pending', ...(arrivedAt ? { arrivedAt } : {}) };
  }
  if (delivery.status === 'delivered' || delivery.status === 'returned_to_sender') return { status: 'done', doneAt: entryAt(delivery, (entry) => entry.status === delivery.status) as number, ...(arrivedAt ? { arrivedAt } : {}) };
  if (delivery.status === 'failed' || delivery.status === 'returned') return { status: 'failed', doneAt: entryAt(delivery, (entry) => entry.status === 'failed') as number, ...(arrivedAt ? { arrivedAt } : {}) };
  if (delivery.status === 'picked_up' && arrivedAt) return { status: 'arrived', arrivedAt };
  return { status: 'pending' };
}

function coordinates(address: { lat: number; lng: number }) {
  return { lat: address.lat, lng: address.lng };
}

function windowOf(delivery: Delivery, type: StopType): { start: string; end: string } | null {
  return (type === 'pickup' ? delivery.pickup.window : delivery.dropoff.window) ?? null;
}

export interface RoundContext {
  deliveries: readonly Delivery[];
  shift: Shift | undefined;
  stored: StoredRound | undefined;
  depot: Place;
}

/** The hub's depot as a place of a round (where rounds start and end by default). */
export async function depotPlace(): Promise<Place> {
  const depot = await getDepot();
  const { country: _country, ...address } = depot.address;
  return { label: depot.name, ...address };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A courier's round of a day, timed and loaded, from what is stored (or given). */
export function buildRound(courier: StoredCourier, date: string, now: Date, context: RoundContext, order?: StoredRound['stops']): Round {
  const mine = mineOf(courier.id, context.deliveries);
  const ordered = orderStops(order ?? context.stored?.stops ?? [], mine);
  const states = ordered.map(({ delivery, type }) => stopState(delivery, type));
  const shift = context.shift;
  const nowMs = now.getTime();
  const position = courier.lastPosition && nowMs - Date.parse(courier.lastPosition.at) <= POSITION_FRESH_MS && shift && shift.startsAt <= now.toISOString() && now.toISOString() < shift.endsAt ? courier.lastPosition : undefined;
  const start = position ?? shift?.startPlace ?? context.depot;
  const scheduleStops: ScheduleStop[] = ordered.map(({ delivery, type }, index) => {
    const window = windowOf(delivery, type);
    const state = states[index] as ReturnType<typeof stopState>;
    return {
      type,
      at: coordinates(type === 'pickup' ? delivery.pickup.address : delivery.dropoff.address),
      window: window ? { start: Date.parse(window.start), end: Date.parse(window.end) } : undefined,
      load: parcelsLoad(delivery.parcels),
      ...(state.doneAt !== undefined && state.status !== 'arrived' && state.status !== 'pending' ? { doneAt: state.doneAt } : {}),
      ...(state.arrivedAt !== undefined ? { arrivedAt: state.arrivedAt } : {}),
    };
  });
  const capacity = { kg: courier.vehicle.capacityKg, litres: courier.vehicle.capacityLitres };
  const schedule = planSchedule({
    now: nowMs,
    from: coordinates(start),
    notBefore: shift ? Date.parse(shift.startsAt) : nowMs,
    breaks: (shift?.breaks ?? []).map((entry) => ({ start: Date.parse(entry.startsAt), end: Date.parse(entry.endsAt) })),
    to: coordinates(shift?.endPlace ?? context.depot),
    capacity,
    stops: scheduleStops,
  });
  const stops: RoundStop[] = ordered.map(({ delivery, type }, index) => {
    const stop = type === 'pickup' ? delivery.pickup : delivery.dropoff;
    const planned = schedule.stops[index] as (typeof schedule.stops)[number];
    const load = scheduleStops[index]?.load ?? { kg: 0, litres: 0 };
    const { country: _country, ...address } = stop.address;
    return {
      deliveryId: delivery.id,
      type,
      tenantId: delivery.tenantId,
      reference: delivery.reference,
      kind: delivery.kind,
      deliveryStatus: delivery.status,
      status: (states[index] as { status: RoundStop['status'] }).status,
      address,
      contact: stop.contact ?? null,
      instructions: stop.instructions ?? null,
      window: windowOf(delivery, type),
      parcels: delivery.parcels,
      weightKg: load.kg,
      litres: load.litres,
      plannedArrival: iso(planned.arrival),
      plannedDeparture: iso(planned.departure),
      loadAfter: planned.loadAfter,
      late: planned.late,
      lateMinutes: planned.lateMinutes,
    };
  });
  const alerts: RoundAlert[] = [];
  for (const stop of stops) {
    if (stop.late && stop.status === 'pending') {
      alerts.push({ code: 'late', deliveryId: stop.deliveryId, message: `${stop.type === 'pickup' ? 'Pickup' : 'Drop-off'} ${stop.reference ?? stop.deliveryId} will be ${stop.lateMinutes} min after its window (${stop.window?.end}).` });
    }
  }
  const over = schedule.overCapacityAt !== undefined;
  if (over) {
    const stop = stops[schedule.overCapacityAt as number] as RoundStop;
    alerts.push({ code: 'over_capacity', deliveryId: stop.deliveryId, message: overCapacityMessage(courier, stop) });
  }
  if (!shift && stops.length > 0) alerts.push({ code: 'no_shift', message: `${courier.name} has no shift on ${date}.` });
  if (shift && stops.length > 0 && iso(schedule.endsAt) > shift.endsAt) {
    alerts.push({ code: 'outside_shift', message: `The round ends at ${iso(schedule.endsAt)}, after the shift (${shift.end}).` });
  }
  return {
    object: 'round',
    courierId: courier.id,
    date,
    version: context.stored?.version ?? 0,
    stops,
    capacity,
    maxLoad: schedule.maxLoad,
    overCapacity: over,
    startsAt: iso(schedule.startsAt),
    endsAt: iso(schedule.endsAt),
    shift: shift ?? null,
    alerts,
  };
}

function overCapacityMessage(courier: StoredCourier, stop: RoundStop): string {
  const where = `after the ${stop.type === 'pickup' ? 'pickup' : 'drop-off'} of ${stop.reference ?? stop.deliveryId}`;
  return `${courier.name}'s ${courier.vehicle.type.replaceAll('_', ' ')} would carry ${stop.loadAfter.kg} kg / ${stop.loadAfter.litres} L ${where}: more than its ${courier.vehicle.capacityKg} kg / ${courier.vehicle.capacityLitres} L.`;
}

async function courierOr404(courierId: string): Promise<StoredCourier> {
  const courier = await courierRepository.get(courierId);
  if (!courier) throw roundErrors.notFound('courier', courierId);
  return courier;
}

/**
 * What a round is computed from. `day`: every delivery of the day (the board, the round as read,
 * with its stops done); `open`: the courier's open deliveries of that day only, what a change
 * (an assignment, a recipient's ETA) needs, read from the courier's own index: a busy day's
 * other rounds are not read for each assignment.
 */
async function contextFor(courierId: string, date: string, consistent = false, scope: 'day' | 'open' = 'day'): Promise<RoundContext> {
  const deliveries = scope === 'day' ? deliveryRepository.listForDay(date) : deliveryRepository.listAllOpenForCourier(courierId).then((open) => open.filter((delivery) => delivery.serviceDate === date));
  const [list, shift, stored, depot] = await Promise.all([deliveries, courierRepository.getShift(courierId, date), roundRepository.get(courierId, date, consistent), depotPlace()]);
  return { deliveries: list, shift, stored, depot };
}

export async function getRound(courierId: string, date: string, now = new Date()): Promise<Round> {
  const courier = await courierOr404(courierId);
  return buildRound(courier, date, now, await contextFor(courierId, date));
}

/**
 * The hub sets the whole order of a courier's stops on a day. Deliveries listed that are not
 * the courier's yet are assigned to it in the same transaction (a move between rounds); every
 * delivery of the round must be listed, each pickup before its drop-off; a round over the
 * vehicle's capacity at any stop is refused.
 */
export async function putRound(courierId: string, date: string, stops: Array<{ deliveryId: string; type: StopType }>, version: number | undefined, now = new Date()): Promise<Round> {
  const courier = await courierOr404(courierId);
  const context = await contextFor(courierId, date, true);
  if (version !== undefined && version !== (context.stored?.version ?? 0)) {
    throw roundErrors.error('version_conflict', `The round changed since you read it (version ${context.stored?.version ?? 0}, not ${version}): read it again.`, { param: 'version' });
  }
  const byId = new Map(context.deliveries.map((delivery) => [delivery.id, delivery]));
  const seen = new Set<string>();
  const joining: Delivery[] = [];
  stops.forEach((stop, index) => {
    const key = `${stop.deliveryId}:${stop.type}`;
    if (seen.has(key)) throw roundErrors.error('parameter_invalid', `stops.${index}: the ${stop.type} of ${stop.deliveryId} is listed twice.`, { param: `stops.${index}` });
    seen.add(key);
    const delivery = byId.get(stop.deliveryId);
    if (!delivery) throw roundErrors.error('parameter_invalid', `stops.${index}: no delivery ${stop.deliveryId.slice(0, 64)} on ${date}.`, { param: `stops.${index}.deliveryId` });
    if (stop.type === 'dropoff' && !seen.has(`${stop.deliveryId}:pickup`) && !pickedUpThisAttempt(delivery)) {
      throw roundErrors.error('parameter_invalid', `stops.${index}: the drop-off of ${delivery.reference ?? delivery.id} comes before its pickup.`, { param: `stops.${index}` });
    }
    if (delivery.courierId !== courierId) {
      if (delivery.status !== 'booked' && delivery.status !== 'assigned') {
        throw roundErrors.error('invalid_transition', `stops.${index}: ${delivery.reference ?? delivery.id} is ${delivery.status.replaceAll('_', ' ')}${delivery.courierId ? ' with another courier' : ''}: it cannot join this round.`, { param: `stops.${index}` });
      }
      if (!joining.includes(delivery)) joining.push(delivery);
    }
  });
  for (const delivery of [...mineOf(courierId, context.deliveries), ...joining]) {
    for (const type of ['pickup', 'dropoff'] as const) {
      if (type === 'pickup' && pickedUpThisAttempt(delivery)) continue;
      if (!seen.has(`${delivery.id}:${type}`)) {
        throw roundErrors.error('parameter_invalid', `stops: the ${type} of ${delivery.reference ?? delivery.id} is missing (list every stop of the round; take a delivery off with POST /v1/hub/deliveries/{id}/unassign).`, { param: 'stops' });
      }
    }
  }
  const assigned = joining.map((delivery) => applyTransition(delivery, 'assign', { now, courierId }));
  const after = context.deliveries.map((delivery) => assigned.find((next) => next.id === delivery.id) ?? delivery);
  const nextVersion = (context.stored?.version ?? 0) + 1;
  const stored: StoredRound = { courierId, date, stops, version: nextVersion, updatedAt: now.toISOString() };
  const round = buildRound(courier, date, now, { ...context, deliveries: after, stored });
  refuseOverCapacity(courier, round, buildRound(courier, date, now, context));
  const items: TransactItem[] = [roundRepository.save(stored, context.stored?.version ?? 0)];
  for (const [index, delivery] of assigned.entries()) {
    items.push(deliveryRepository.replace(delivery, (joining[index] as Delivery).version), outboxEntry(deliveryEvents.assigned, delivery.tenantId, delivery, now).create);
  }
  await transact(items, ({ index }) =>
    index === 0
      ? roundErrors.error('version_conflict', 'The round changed meanwhile: read it again.', { param: 'version' })
      : roundErrors.error('version_conflict', 'A delivery of this round changed meanwhile: read the round again.'),
  );
  return round;
}

/** Over capacity is refused, unless the round was already over before and the change does not make it worse. */
function refuseOverCapacity(courier: StoredCourier, round: Round, before: Round): void {
  if (!round.overCapacity) return;
  if (before.overCapacity && round.maxLoad.kg <= before.maxLoad.kg && round.maxLoad.litres <= before.maxLoad.litres) return;
  const alert = round.alerts.find((entry) => entry.code === 'over_capacity');
  throw assignErrors.error('over_capacity', alert?.message ?? `More than ${courier.name}'s vehicle carries.`);
}

/**
 * The hub assigns (or re-assigns, before pickup) a delivery to a courier: the delivery and the
 * courier's round (its stops at `position`, else at the end) in one transaction, refused when
 * the round would go over the vehicle's capacity.
 */
export async function assignDelivery(principal: Principal, deliveryId: string, courierId: string, position: number | undefined, language: Language = DEFAULT_LANGUAGE, requestedAt = new Date()): Promise<Delivery> {
  if (!isId('courier', courierId)) throw assignErrors.error('resource_missing', `No such courier: '${courierId.slice(0, 64)}'.`, { param: 'courierId' });
  const courier = await courierRepository.get(courierId);
  if (!courier) throw assignErrors.error('resource_missing', `No such courier: '${courierId}'.`, { param: 'courierId' });
  return changeDelivery(principal, deliveryId, requestedAt, language, async (current, now) => {
    const date = current.serviceDate;
    const context = await contextFor(courierId, date, true, 'open');
    // The stored order as it is (an entry whose delivery the index has not shown yet is kept, not
    // dropped), the courier's open deliveries it lacks at the end, this delivery taken out.
    const stored = context.stored?.stops ?? [];
    const missing = orderStops([], mineOf(courierId, context.deliveries).filter((delivery) => !stored.some((stop) => stop.deliveryId === delivery.id)));
    const order = [...stored, ...missing.map(({ delivery, type }) => ({ deliveryId: delivery.id, type }))].filter((stop) => stop.deliveryId !== current.id);
    const at = Math.min(position ?? order.length, order.length);
    const inserted = [...order.slice(0, at), { deliveryId: current.id, type: 'pickup' as const }, { deliveryId: current.id, type: 'dropoff' as const }, ...order.slice(at)];
    if (current.status === 'assigned' && current.courierId === courierId && position === undefined) return current;
    const after = applyTransition(current, 'assign', { now, courierId });
    const next: StoredRound = { courierId, date, stops: inserted, version: (context.stored?.version ?? 0) + 1, updatedAt: now.toISOString() };
    const deliveries = context.deliveries.map((delivery) => (delivery.id === after.id ? after : delivery));
    if (!deliveries.some((delivery) => delivery.id === after.id)) deliveries.push(after);
    refuseOverCapacity(courier, buildRound(courier, date, now, { ...context, deliveries, stored: next }), buildRound(courier, date, now, context));
    return {
      after,
      ...(current.status === 'assigned' && current.courierId === courierId ? { event: false } : {}),
      extra: [
        { item: roundRepository.save(next, context.stored?.version ?? 0), onFailure: () => new RetryChange() },
        { item: courierRepository.exists(courierId), onFailure: () => assignErrors.error('resource_missing', `No such courier: '${courierId}'.`, { param: 'courierId' }) },
      ],
    };
  });
}

/**
 * When the courier is planned to reach a delivery's recipient (its drop-off; for a pickup at a
 * donor's, its pickup), from the courier's round: undefined when it is on no round, or when the
 * courier has no shift that day (nobody planned when the round starts: the tracking page's own
 * rule, from the pickup or the courier's position, applies then).
 */
export async function plannedArrival(delivery: Delivery, now: Date): Promise<number | undefined> {
  if (!delivery.courierId || (delivery.status !== 'assigned' && delivery.status !== 'picked_up')) return undefined;
  const courier = await courierRepository.get(delivery.courierId);
  if (!courier) return undefined;
  const context = await contextFor(courier.id, delivery.serviceDate, false, 'open');
  if (!context.shift) return undefined;
  const round = buildRound(courier, delivery.serviceDate, now, context);
  const type = delivery.kind === 'pickup' && delivery.status === 'assigned' ? 'pickup' : 'dropoff';
  const stop = round.stops.find((entry) => entry.deliveryId === delivery.id && entry.type === type);
  return stop ? Date.parse(stop.plannedArrival) : undefined;
}

/** The hub takes a delivery back from its courier before pickup: booked again, in the queue. */
export async function unassignDelivery(principal: Principal, deliveryId: string, language: Language = DEFAULT_LANGUAGE, requestedAt = new Date()): Promise<Delivery> {
  return changeDelivery(principal, deliveryId, requestedAt, language, (current, now) => {
    if (current.status === 'booked') return current;
    return { after: applyTransition(current, 'unassign', { now, patch: { courierId: null, lastPosition: null } }), eventDefinition: deliveryEvents.unassigned };
  });
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function dayOf(courier: StoredCourier, date: string, now: Date, context: RoundContext): CourierToday & { round: Round } {
  const round = buildRound(courier, date, now, context);
  const fresh = courier.lastPosition && now.getTime() - Date.parse(courier.lastPosition.at) <= POSITION_FRESH_MS ? courier.lastPosition : null;
  return {
    ...courierView(courier),
    date,
    shift: context.shift ?? null,
    state: date === parisDateOf(now) ? stateAt(context.shift, now) : context.shift ? 'before_shift' : 'off',
    lastPosition: fresh,
    stops: { total: round.stops.length, done: round.stops.filter((stop) => stop.status === 'done' || stop.status === 'failed').length },
    round,
  };
}

/** The dispatch board of a day: every courier with its shift, state and round, the queue, every delivery. */
export async function boardOf(date: string, now = new Date(), language: Language = DEFAULT_LANGUAGE): Promise<Board> {
  const [couriers, deliveries, depot] = await Promise.all([courierRepository.listAll(), deliveryRepository.listForDay(date), depotPlace()]);
  const keys = couriers.map((courier) => ({ courierId: courier.id, date }));
  const [shifts, stored] = await Promise.all([courierRepository.getShifts(keys), roundRepository.getMany(keys)]);
  return {
    object: 'board',
    date,
    generatedAt: now.toISOString(),
    depot,
    couriers: couriers.map((courier, index) => dayOf(courier, date, now, { deliveries, shift: shifts[index], stored: stored[index], depot })),
    unassigned: deliveries.filter((delivery) => delivery.status === 'booked').map((delivery) => localizeDelivery(delivery, language)),
    deliveries: deliveries.map((delivery) => localizeDelivery(delivery, language)),
    map: { tileUrl: config.mapTileUrl, attribution: config.mapTileAttribution },
  };
}

/** `GET /v1/couriers`: the hub's couriers with their shift and state on a day. */
export async function couriersOfDay(date: string, page: { limit: number; cursor?: string | undefined }, now = new Date()) {
  const listed = await courierRepository.list(page);
  const [deliveries, depot] = await Promise.all([deliveryRepository.listForDay(date), depotPlace()]);
  const keys = listed.data.map((courier) => ({ courierId: courier.id, date }));
  const [shifts, stored] = await Promise.all([courierRepository.getShifts(keys), roundRepository.getMany(keys)]);
  return {
    ...listed,
    data: listed.data.map((courier, index) => {
      const { round: _round, ...day } = dayOf(courier, date, now, { deliveries, shift: shifts[index], stored: stored[index], depot });
      return day;
    }),
  };
}

/** The courier's own day: its round in order, what is on the bike, whether to report positions. */
export async function courierRoundOf(principal: Principal, date: string | undefined, now = new Date()): Promise<CourierRound> {
  if (principal.role !== 'courier') throw roundErrors.error('forbidden', 'Only couriers have a round.');
  const courier = await courierOr404(principal.courierId);
  const day = date ?? parisDateOf(now);
  const context = await contextFor(courier.id, day);
  const round = buildRound(courier, day, now, context);
  // On the bike: what was picked up and not delivered yet, a failed parcel too until it is back at the hub.
  const onBike = mineOf(courier.id, context.deliveries)
    .filter((delivery) => delivery.status === 'picked_up' || (delivery.status === 'failed' && pickedUpThisAttempt(delivery)))
    .map((delivery) => ({ deliveryId: delivery.id, reference: delivery.reference, parcels: delivery.parcels, weightKg: parcelsLoad(delivery.parcels).kg, litres: parcelsLoad(delivery.parcels).litres }));
  const shiftOn = context.shift !== undefined && context.shift.startsAt <= now.toISOString() && now.toISOString() < context.shift.endsAt;
  const underway = round.stops.some((stop) => stop.status === 'pending' || stop.status === 'arrived');
  return {
    object: 'courier_round',
    generatedAt: now.toISOString(),
    courier: courierView(courier),
    date: day,
    shift: context.shift ?? null,
    round,
    onBike,
    positionReporting: { active: shiftOn && underway, intervalSeconds: POSITION_INTERVAL_SECONDS },
  };
}

/**
 * A courier's position, during a shift only: the last one is kept on the courier (over the
 * previous one) for the board and the recipients' ETAs; nothing else is stored.
 */
export async function reportPosition(principal: Principal, body: PositionBody, now = new Date()) {
  if (principal.role !== 'courier') throw positionErrors.error('off_shift', 'Only couriers report positions.');
  const at = body.at ? new Date(body.at) : now;
  if (at.getTime() > now.getTime() + 2 * 60_000) throw positionErrors.error('parameter_invalid', 'at must not be in the future.', { param: 'at' });
  if (now.getTime() - at.getTime() > POSITION_FRESH_MS) throw positionErrors.error('parameter_invalid', 'This position is too old to say where the courier is (more than 10 minutes): it is not kept.', { param: 'at' });
  const shift = await shiftInProgress(principal.courierId, parisDateOf(now), at);
  if (!shift) throw positionErrors.error('off_shift', 'You have no shift in progress: positions are only taken during a shift.');
  const position = { lat: body.lat, lng: body.lng, at: at.toISOString() };
  if (await courierRepository.setPosition(principal.courierId, position)) return { object: 'position' as const, ...position, kept: true };
  const courier = await courierRepository.get(principal.courierId);
  return { object: 'position' as const, ...(courier?.lastPosition ?? position), kept: false };
}

export { addDays };
