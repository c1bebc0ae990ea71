import { TZDate } from '@date-fns/tz';
import type { Principal } from '../auth/principal.js';
import { courierRepository } from '../couriers/repository.js';
import type { Shift, StoredCourier } from '../couriers/schemas.js';
import type { Page } from '../db/pagination.js';
import { transact, writeOne } from '../db/transact.js';
import { parisDateOf } from '../deliveries/day.js';
import { deliveryRepository } from '../deliveries/repository.js';
import type { Delivery } from '../deliveries/schemas.js';
import { outboxEntry } from '../events/outbox.js';
import { activeMatrixRouter } from '../geo/matrix.js';
import { newId } from '../ids.js';
import { roundRepository } from '../rounds/repository.js';
import { buildRound, depotPlace, putRound, POSITION_FRESH_MS, unassignDelivery } from '../rounds/service.js';
import { dayProblem, withMatrices } from './day-problem.js';
import { planErrors } from './plans-errors.js';
import { planEvents, type CreatePlanBody, type Plan, type StoredPlan } from './plans.js';
import { plans } from './repository.js';
import type { PlannedRoute, UnassignedReason } from './problem.js';
import { solve } from './solver.js';

/** What the API shows of a stored plan. */
export function planView(stored: StoredPlan): Plan {
  const { basedOn: _basedOn, ...plan } = stored;
  return plan;
}

/** Open deliveries: what a plan places (done ones stay where they are). */
const toPlan = new Set(['booked', 'assigned', 'picked_up']);

/**
 * `POST /v1/hub/plans`: a plan to compute, written with its event in one transaction; the
 * planner's consumer computes it off the request path. Answers at once (202) with its id.
 */
export async function requestPlan(body: CreatePlanBody, trigger: Plan['trigger'] = 'request', now = new Date()): Promise<Plan> {
  if (body.couriers) {
    const found = await courierRepository.getShifts(body.couriers.map((courierId) => ({ courierId, date: body.date })));
    const missing = body.couriers.filter((_, index) => !found[index]);
    if (missing.length > 0) throw planErrors.error('parameter_invalid', `couriers: no shift on ${body.date} for ${missing.join(', ')} (set one with PUT /v1/hub/couriers/{id}/shifts/${body.date}).`, { param: 'couriers' });
  }
  const plan: StoredPlan = {
    id: newId('plan', now.getTime()),
    object: 'plan',
    date: body.date,
    status: 'pending',
    trigger,
    couriers: body.couriers ?? null,
    timeLimitSeconds: body.timeLimitSeconds,
    rounds: [],
    unassigned: [],
    summary: null,
    error: null,
    createdAt: now.toISOString(),
    finishedAt: null,
    appliedAt: null,
    basedOn: {},
  };
  const view = planView(plan);
  await transact([plans.create(plan), outboxEntry(planEvents.requested, null, { planId: plan.id, date: plan.date }, now).create], () => new Error(`plan ${plan.id} exists`), { result: view });
  return view;
}

export async function getPlan(planId: string): Promise<Plan> {
  const plan = planId.startsWith('pln_') ? await plans.get({ id: planId }, { consistent: true }) : undefined;
  if (!plan) throw planErrors.notFound('plan', planId);
  return planView(plan);
}

export async function listPlans(date: string): Promise<Page<Plan>> {
  const found = await plans.queryAll({ partition: { gsi1pk: `PLANS#${date}` }, descending: true, limit: 20 });
  return { data: found.map(planView), hasMore: false, nextCursor: null };
}

function dayStartOf(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new TZDate(year, month - 1, day, 0, 0, 0, 'Europe/Paris').getTime();
}

const reasonWords: Record<UnassignedReason, { reason: Plan['unassigned'][number]['reason']; message: string }> = {
  capacity: { reason: 'capacity', message: 'Too heavy or too bulky for every bike on shift.' },
  'time-window': { reason: 'time_window', message: 'No courier on shift can reach it within its window.' },
  'no-vehicle': { reason: 'no_shift', message: 'No courier has a shift that day.' },
  skills: { reason: 'skills', message: 'No courier on shift has the vehicle it needs.' },
  'no-room': { reason: 'no_room', message: 'Each courier could take it alone, but not with the rest of the day.' },
};

/** The places and times of a planned route, back in the API's terms. */
function roundOf(route: PlannedRoute, courier: StoredCourier, dayStart: number, byId: Map<string, Delivery>): Plan['rounds'][number] {
  const at = (secondsOfDay: number) => new Date(dayStart + secondsOfDay * 1000).toISOString();
  const stops: Plan['rounds'][number]['stops'] = [];
  const breaks: Plan['rounds'][number]['breaks'] = [];
  let reloads = 0;
  for (const step of route.steps) {
    if (step.type === 'reload') reloads += 1;
    if (step.type === 'break') breaks.push({ start: at(step.serviceStart), end: at(step.departure) });
    if ((step.type === 'pickup' || step.type === 'delivery') && step.job) {
      stops.push({
        deliveryId: step.job,
        type: step.type === 'pickup' ? 'pickup' : 'dropoff',
        reference: byId.get(step.job)?.reference ?? null,
        arrival: at(step.arrival),
        serviceStart: at(step.serviceStart),
        departure: at(step.departure),
        loadAfter: { kg: Math.round((step.load[0] ?? 0) * 1000) / 1000, litres: Math.round((step.load[1] ?? 0) * 1000) / 1000 },
        distanceMeters: Math.round(step.distance),
      });
    }
  }
  const first = route.steps[0];
  const last = route.steps.at(-1);
  return {
    courierId: courier.id,
    courierName: courier.name,
    stops,
    reloads,
    breaks,
    startsAt: at(first?.departure ?? 0),
    endsAt: at(last?.arrival ?? 0),
    distanceMeters: Math.round(route.distance),
    durationSeconds: Math.round(route.duration),
    travelSeconds: Math.round(route.travelTime),
  };
}

/**
 * The planner's consumer: computes a pending plan (once: a plan already computed is left as it
 * is, whatever the redeliveries of its event). A proposal made after a booking or a cancellation
 * starts from the current rounds and only places what is new, so it moves as few stops as possible.
 */
export async function computePlan(planId: string, clock: () => number = () => performance.now()): Promise<Plan['status']> {
  const plan = await plans.get({ id: planId }, { consistent: true });
  if (!plan || plan.status !== 'pending') return plan?.status ?? 'failed';
  const now = new Date();
  const dayStart = dayStartOf(plan.date);
  let result: StoredPlan;
  try {
    const [allCouriers, deliveries, depotAt] = await Promise.all([courierRepository.listAll(), deliveryRepository.listForDay(plan.date), depotPlace()]);
    const chosen = plan.couriers ? allCouriers.filter((courier) => plan.couriers?.includes(courier.id)) : allCouriers;
    const shifts = await courierRepository.getShifts(chosen.map((courier) => ({ courierId: courier.id, date: plan.date })));
    const stored = await roundRepository.getMany(chosen.map((courier) => ({ courierId: courier.id, date: plan.date })));
    const open = deliveries.filter((delivery) => toPlan.has(delivery.status));
    const onShift = chosen.flatMap((courier, index) => (shifts[index] ? [{ courier, shift: shifts[index] as Shift, index }] : []));
    // Where each started round is now: a recent position, else its last stop done.
    const vehicles = onShift.map(({ courier, shift, index }) => {
      const round = buildRound(courier, plan.date, now, { deliveries, shift, stored: stored[index], depot: depotAt });
      const done = round.stops.filter((stop) => stop.status === 'done' || stop.status === 'failed');
      const started = done.length > 0 || deliveries.some((delivery) => delivery.courierId === courier.id && delivery.status === 'picked_up');
      const fresh = courier.lastPosition && now.getTime() - Date.parse(courier.lastPosition.at) <= POSITION_FRESH_MS ? courier.lastPosition : undefined;
      const last = done.at(-1);
      return { courier, shift, round, startedAt: started ? (fresh ?? (last ? last.address : undefined) ?? shift.startPlace) : undefined };
    });
    const planned = new Set(vehicles.map(({ courier }) => courier.id));
    // Deliveries another courier (not in this plan) has: theirs, not this plan's.
    const mine = open.filter((delivery) => delivery.courierId === null || planned.has(delivery.courierId) || delivery.status === 'booked');
    const day = dayProblem({ date: plan.date, dayStart, now: now.getTime(), depot: { lat: depotAt.lat, lng: depotAt.lng }, couriers: vehicles, deliveries: mine });
    const byId = new Map(deliveries.map((delivery) => [delivery.id, delivery]));
    const basedOn = Object.fromEntries(mine.map((delivery) => [delivery.id, delivery.version]));
    if (vehicles.length === 0) {
      result = {
        ...plan,
        status: 'ready',
        unassigned: day.problem.jobs.map((job) => ({ deliveryId: job.id, reference: byId.get(job.id)?.reference ?? null, reason: 'no_shift' as const, message: reasonWords['no-vehicle'].message })),
        summary: { deliveries: day.problem.jobs.length, served: 0, couriers: 0, distanceMeters: 0, travelSeconds: 0, moved: 0 },
        finishedAt: new Date().toISOString(),
        basedOn,
      };
    } else {
      const problem = await withMatrices(day, (places, profile) => activeMatrixRouter().matrix(places, profile));
      // The current rounds' pending stops, to start from (and, for a proposal, to keep).
      const initial = vehicles.map(({ courier, round }) => ({
        vehicle: courier.id,
        steps: round.stops
          .filter((stop) => (stop.status === 'pending' || stop.status === 'arrived') && mine.some((delivery) => delivery.id === stop.deliveryId))
          .filter((stop) => !(stop.type === 'pickup' && day.onBikeOf.has(stop.deliveryId)))
          .map((stop) => ({ type: stop.type === 'pickup' ? 'pickup' : 'delivery', job: stop.deliveryId })),
      }));
      const proposal = plan.trigger !== 'request';
      const solved = solve(problem, {
        seed: 1,
        initial,
        ...(proposal ? { iterations: 0 } : { timeLimitMs: plan.timeLimitSeconds * 1000, now: clock }),
      });
      const courierOf = new Map(vehicles.map(({ courier }) => [courier.id, courier]));
      const rounds = solved.routes.map((route) => roundOf(route, courierOf.get(route.vehicle) as StoredCourier, dayStart, byId));
      const before = new Map(initial.map(({ vehicle, steps }) => [vehicle, steps.map((step) => `${step.job}:${step.type}`)]));
      const moved = movedStops(before, new Map(rounds.map((round) => [round.courierId, round.stops.map((stop) => `${stop.deliveryId}:${stop.type === 'pickup' ? 'pickup' : 'delivery'}`)])));
      result = {
        ...plan,
        status: 'ready',
        rounds,
        unassigned: solved.unassigned.map(({ job, reason }) => ({ deliveryId: job, reference: byId.get(job)?.reference ?? null, ...reasonWords[reason] })),
        summary: { deliveries: problem.jobs.length, served: solved.summary.served, couriers: solved.summary.vehicles, distanceMeters: Math.round(solved.summary.distance), travelSeconds: Math.round(solved.summary.travelTime), moved },
        finishedAt: new Date().toISOString(),
        basedOn,
      };
    }
  } catch (error) {
    result = { ...plan, status: 'failed', error: error instanceof Error ? error.message.slice(0, 500) : String(error), finishedAt: new Date().toISOString() };
  }
  await writeOne(plans.put(result, { expression: '#status = :pending', names: { '#status': 'status' }, values: { ':pending': 'pending' } }), () => new Error('computed already'), { result: null }).catch(() => undefined);
  return result.status;
}

/**
 * How many of the stops already on the rounds a plan moves: those now on another courier's round,
 * or out of their order with the other stops kept on the same round (what is not in the longest
 * common subsequence of the round before and after). Stops new to the plan are not counted.
 */
export function movedStops(before: ReadonlyMap<string, readonly string[]>, after: ReadonlyMap<string, readonly string[]>): number {
  let moved = 0;
  for (const [courier, was] of before) {
    const known = new Set(was);
    const now = (after.get(courier) ?? []).filter((key) => known.has(key));
    // Longest common subsequence, O(n·m): rounds are a few dozen stops.
    let previous = new Array<number>(now.length + 1).fill(0);
    for (const key of was) {
      const row = new Array<number>(now.length + 1).fill(0);
      for (let index = 1; index <= now.length; index += 1) row[index] = now[index - 1] === key ? (previous[index - 1] as number) + 1 : Math.max(previous[index] as number, row[index - 1] as number);
      previous = row;
    }
    moved += was.length - (previous[now.length] as number);
  }
  return moved;
}

/**
 * Applies a ready plan: every round at once, in the order planned. Refused (409 `plan_outdated`)
 * when a delivery it placed changed since it was made (booked, assigned, picked up, cancelled
 * meanwhile): plan again. Deliveries that change courier are first taken back, then each
 * courier's round is set in its own transaction (assigning what joins it).
 */
export async function applyPlan(principal: Principal, planId: string, now = new Date()): Promise<Plan> {
  const plan = planId.startsWith('pln_') ? await plans.get({ id: planId }, { consistent: true }) : undefined;
  if (!plan) throw planErrors.notFound('plan', planId);
  if (plan.status === 'applied') return planView(plan);
  if (plan.status !== 'ready') throw planErrors.error('invalid_transition', `This plan is ${plan.status}: only a ready plan can be applied.`);
  const deliveries = await deliveryRepository.listForDay(plan.date);
  const byId = new Map(deliveries.map((delivery) => [delivery.id, delivery]));
  const changed = Object.entries(plan.basedOn).filter(([id, version]) => byId.get(id)?.version !== version);
  if (changed.length > 0) {
    throw planErrors.error('plan_outdated', `${changed.length} deliver${changed.length > 1 ? 'ies' : 'y'} changed since this plan was made (${changed.slice(0, 3).map(([id]) => byId.get(id)?.reference ?? id).join(', ')}${changed.length > 3 ? '…' : ''}): plan the day again.`);
  }
  const target = new Map<string, string>();
  for (const round of plan.rounds) for (const stop of round.stops) target.set(stop.deliveryId, round.courierId);
  // Take back what moves to another courier or leaves the rounds, unless it is on a bike already.
  for (const delivery of deliveries) {
    if (delivery.status !== 'assigned' || !(delivery.id in plan.basedOn)) continue;
    if (target.get(delivery.id) !== delivery.courierId) await unassignDelivery(principal, delivery.id, undefined, now);
  }
  // What each round has done stays first, in its order; then the plan's stops. Read once for
  // every courier (the take-backs above changed no stop done).
  const keys = plan.rounds.map((round) => ({ courierId: round.courierId, date: plan.date }));
  const [after, couriers, shifts, stored, depot] = await Promise.all([
    deliveryRepository.listForDay(plan.date),
    Promise.all(keys.map(({ courierId }) => courierRepository.get(courierId))),
    courierRepository.getShifts(keys),
    roundRepository.getMany(keys),
    depotPlace(),
  ]);
  for (const [index, round] of plan.rounds.entries()) {
    const courier = couriers[index];
    if (!courier) continue;
    const view = buildRound(courier, plan.date, now, { deliveries: after, shift: shifts[index], stored: stored[index], depot });
    const done = view.stops.filter((stop) => stop.status === 'done' || stop.status === 'failed').map((stop) => ({ deliveryId: stop.deliveryId, type: stop.type }));
    const plannedStops = round.stops.map((stop) => ({ deliveryId: stop.deliveryId, type: stop.type }));
    await putRound(round.courierId, plan.date, [...done, ...plannedStops.filter((stop) => !done.some((entry) => entry.deliveryId === stop.deliveryId && entry.type === stop.type))], undefined, now);
  }
  const applied: StoredPlan = { ...plan, status: 'applied', appliedAt: now.toISOString() };
  await writeOne(plans.put(applied), () => new Error('An unconditional write was refused'));
  return planView(applied);
}

/** A booking or a cancellation of today: a new proposal for the day, starting from the rounds as they are. */
export async function proposeAfter(delivery: Delivery, trigger: 'booking' | 'cancellation', now = new Date()): Promise<Plan | undefined> {
  if (delivery.serviceDate !== parisDateOf(now)) return undefined;
  // Only a day the hub plans with the planner (a plan applied), and one proposal at a time.
  const recent = (await listPlans(delivery.serviceDate)).data;
  if (!recent.some((plan) => plan.status === 'applied') || recent.some((plan) => plan.status === 'pending')) return undefined;
  return requestPlan({ date: delivery.serviceDate, timeLimitSeconds: 5 }, trigger, now);
}
