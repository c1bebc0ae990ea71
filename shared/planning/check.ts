/**
 * Independent feasibility checkers, for the tests and the benchmark. They share nothing with the
 * solver's bookkeeping (no compiled model, no cached times or loads): everything is recomputed
 * from the routes and the raw data, the simple way, one step after the other.
 *
 * - `checkInstanceSolution`: routes of node numbers against a Solomon or Li & Lim instance as
 *   parsed from its file (coordinates, demands, windows), the literature's rules.
 * - `checkPlan`: a `Plan` against its `Problem`: every hard constraint of the model (see
 *   `problem.ts`), and the times, loads and distances the plan reports.
 */
import type { Instance, InstanceNode } from './instances.js';
import type { Job, Problem, Step, Vehicle } from './problem.js';

/** Tolerance for floating-point sums (times, loads, distances). */
const TOLERANCE = 1e-6;

export interface InstanceCheck {
  /** No constraint broken (each node at most once, capacity, windows, horizon, pairs, vehicles). */
  feasible: boolean;
  /** Every customer (task) visited. */
  complete: boolean;
  vehicles: number;
  distance: number;
  errors: string[];
}

/** Checks routes (node numbers in visiting order, the depot left out) against an instance (travel time = distance). */
export function checkInstanceSolution(instance: Instance, routes: readonly (readonly number[])[]): InstanceCheck {
  const errors: string[] = [];
  const byId = new Map<number, InstanceNode>(instance.nodes.map((node) => [node.id, node]));
  const depot = instance.nodes[0] as InstanceNode;
  const seen = new Map<number, number>();
  let distance = 0;
  const used = routes.filter((route) => route.length > 0);
  if (used.length > instance.vehicles) errors.push(`${used.length} routes for ${instance.vehicles} vehicles`);
  for (const [r, route] of used.entries()) {
    let x = depot.x;
    let y = depot.y;
    let time = depot.ready;
    let load = 0;
    // Solomon: every customer's demand is loaded at the depot.
    if (instance.format === 'solomon') for (const id of route) load += byId.get(id)?.demand ?? 0;
    if (load > instance.capacity + TOLERANCE) errors.push(`route ${r + 1}: loads ${load} at the depot, capacity ${instance.capacity}`);
    const picked = new Set<number>();
    for (const id of route) {
      const node = byId.get(id);
      if (!node || node === depot) {
        errors.push(`route ${r + 1}: ${id} is not a customer of ${instance.name}`);
        continue;
      }
      if (seen.has(id)) errors.push(`node ${id} visited twice (routes ${(seen.get(id) as number) + 1} and ${r + 1})`);
      seen.set(id, r);
      const leg = Math.hypot(node.x - x, node.y - y);
      distance += leg;
      const arrival = time + leg;
      const start = Math.max(arrival, node.ready);
      if (start > node.due + TOLERANCE) errors.push(`route ${r + 1}: node ${id} served at ${start.toFixed(4)}, after its due date ${node.due}`);
      time = start + node.service;
      if (instance.format === 'li-lim') {
        load += node.demand;
        if (node.delivery > 0) picked.add(id);
        else if (!picked.has(node.pickup)) errors.push(`route ${r + 1}: delivery ${id} before (or without) its pickup ${node.pickup}`);
        else picked.delete(node.pickup);
        if (load > instance.capacity + TOLERANCE) errors.push(`route ${r + 1}: load ${load} after node ${id}, capacity ${instance.capacity}`);
        if (load < -TOLERANCE) errors.push(`route ${r + 1}: negative load after node ${id}`);
      }
      x = node.x;
      y = node.y;
    }
    const back = Math.hypot(depot.x - x, depot.y - y);
    distance += back;
    if (time + back > depot.due + TOLERANCE) errors.push(`route ${r + 1}: back at the depot at ${(time + back).toFixed(4)}, after ${depot.due}`);
    if (picked.size > 0) errors.push(`route ${r + 1}: pickups ${[...picked].join(', ')} never delivered`);
  }
  const customers = instance.nodes.slice(1).map((node) => node.id);
  const missing = customers.filter((id) => !seen.has(id));
  return { feasible: errors.length === 0, complete: missing.length === 0, vehicles: used.length, distance, errors };
}

/**
 * What `checkPlan` reads of a plan: the order of the steps, and the figures reported, each
 * checked when present (a hand-made plan may give only the order).
 */
export interface CheckablePlan {
  routes: ReadonlyArray<{
    vehicle: string;
    distance?: number;
    steps: ReadonlyArray<{ type: Step['type']; job?: string; break?: string; arrival?: number; serviceStart?: number; departure?: number; load?: readonly number[]; distance?: number }>;
  }>;
  unassigned: ReadonlyArray<{ job: string }>;
  summary?: { served: number; distance: number };
}

export interface PlanCheck {
  feasible: boolean;
  errors: string[];
  served: number;
  vehicles: number;
  distance: number;
  travelTime: number;
}

const near = (a: number, b: number) => Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
/** A reported figure agrees with the recomputed one (or is not reported). */
const agrees = (reported: number | undefined, actual: number) => reported === undefined || near(reported, actual);
const loadAgrees = (reported: readonly number[] | undefined, actual: readonly number[]) => reported === undefined || (reported.length === actual.length && reported.every((value, d) => near(value, actual[d] as number)));

/**
 * Checks a plan against its problem: each job served at most once, with both stops of a shipment
 * on one route, pickup first; skills; capacity after every step (single deliveries loaded at the
 * start or the last reload, single pickups unloaded at the next reload or the end); windows
 * (except fixed stops); shift; every break once, inside its window; reloads only where allowed;
 * fixed prefixes kept; the unassigned list complete. Also checks that the times, loads and
 * distances the plan reports are the ones the routes give.
 */
export function checkPlan(problem: Problem, plan: CheckablePlan): PlanCheck {
  const errors: string[] = [];
  const jobs = new Map<string, Job>(problem.jobs.map((job) => [job.id, job]));
  const vehicles = new Map<string, Vehicle>(problem.vehicles.map((vehicle) => [vehicle.id, vehicle]));
  const n = problem.places;
  const served = new Set<string>();
  const routeOf = new Map<string, string>();
  let totalDistance = 0;
  let totalTravel = 0;
  const usedVehicles = new Set<string>();
  const amountOf = (job: Job, d: number) => job.amount[d] ?? 0;

  for (const route of plan.routes) {
    const vehicle = vehicles.get(route.vehicle);
    const where = `vehicle ${route.vehicle}`;
    if (!vehicle) {
      errors.push(`${where}: unknown vehicle`);
      continue;
    }
    if (usedVehicles.has(vehicle.id)) errors.push(`${where}: two routes`);
    usedVehicles.add(vehicle.id);
    const matrices = problem.matrices[vehicle.profile ?? 'default'];
    if (!matrices) {
      errors.push(`${where}: no matrices for its profile`);
      continue;
    }
    const factor = vehicle.speedFactor ?? 1;
    const travel = (from: number | null, to: number | null) => (from === null || to === null ? 0 : (matrices.durations[from * n + to] as number) / factor);
    const distanceOf = (from: number | null, to: number | null) => (from === null || to === null ? 0 : (matrices.distances[from * n + to] as number));
    const D = vehicle.capacity.length;
    const inner = route.steps.filter((step) => step.type !== 'start' && step.type !== 'end');
    if (route.steps[0]?.type !== 'start' || route.steps[route.steps.length - 1]?.type !== 'end') errors.push(`${where}: a route runs from a start step to an end step`);

    // Fixed prefix.
    const fixed = vehicle.fixed ?? [];
    for (const [i, stop] of fixed.entries()) {
      const step = inner[i];
      const matches =
        step !== undefined &&
        ('job' in stop
          ? step.job === stop.job && step.type === (jobs.get(stop.job)?.type === 'shipment' ? (stop.stop ?? 'pickup') : jobs.get(stop.job)?.type)
          : 'break' in stop
            ? step.type === 'break' && step.break === stop.break
            : step.type === 'reload');
      if (!matches) errors.push(`${where}: fixed stop ${i + 1} (${JSON.stringify(stop)}) is not kept in place`);
    }
    const fixedCount = fixed.length;

    // Loads: per trip, what the trip's single deliveries take from the hub.
    const tripDeliveries: number[][] = [];
    let trip = new Array<number>(D).fill(0);
    for (const step of inner) {
      if (step.type === 'reload') {
        tripDeliveries.push(trip);
        trip = new Array<number>(D).fill(0);
      } else if (step.type === 'delivery' && step.job !== undefined) {
        const job = jobs.get(step.job);
        if (job && job.type === 'delivery') for (let d = 0; d < D; d += 1) trip[d] = (trip[d] as number) + amountOf(job, d);
      }
    }
    tripDeliveries.push(trip);

    let place: number | null = vehicle.start ?? null;
    let time = vehicle.shift.start;
    let distance = 0;
    let travelTime = 0;
    let tripIndex = 0;
    const shipmentsOnBoard = new Array<number>(D).fill(0);
    const pickedSinceReload = new Array<number>(D).fill(0);
    let deliveriesLeft = [...(tripDeliveries[0] as number[])];
    const load = () => shipmentsOnBoard.map((value, d) => value + (pickedSinceReload[d] as number) + (deliveriesLeft[d] as number));
    const checkLoad = (what: string) => {
      const now = load();
      for (let d = 0; d < D; d += 1) if ((now[d] as number) > (vehicle.capacity[d] as number) + TOLERANCE) errors.push(`${where}: load ${now[d]} in dimension ${d} after ${what}, capacity ${vehicle.capacity[d]}`);
    };
    const start = route.steps[0];
    if (start && start.type === 'start') {
      if (start.departure !== undefined && start.departure < time - TOLERANCE) errors.push(`${where}: leaves before its shift starts`);
      if (!loadAgrees(start.load, load())) errors.push(`${where}: reported load at the start ${JSON.stringify(start.load)}, the route gives ${JSON.stringify(load())}`);
    }
    checkLoad('the start');
    const pickedUp = new Set<string>();
    const breaksTaken = new Set<string>();
    let reloads = 0;
    const breaksById = new Map((vehicle.breaks ?? []).map((pause) => [pause.id, pause]));
    for (const [i, step] of inner.entries()) {
      const isFixed = i < fixedCount;
      let earliest = -Infinity;
      let latest = Infinity;
      let service = 0;
      let next: number | null = place;
      let label: string;
      if (step.type === 'break') {
        const pause = step.break === undefined ? undefined : breaksById.get(step.break);
        label = `break ${step.break}`;
        if (!pause) {
          errors.push(`${where}: unknown break ${step.break}`);
          continue;
        }
        if (breaksTaken.has(pause.id)) errors.push(`${where}: break ${pause.id} taken twice`);
        breaksTaken.add(pause.id);
        earliest = pause.earliest;
        latest = pause.latest;
        service = pause.duration;
      } else if (step.type === 'reload') {
        label = 'a reload';
        reloads += 1;
        if (!vehicle.reload) errors.push(`${where}: reloads, but it is not a multi-trip vehicle`);
        else if (reloads > (vehicle.reload.max ?? 4)) errors.push(`${where}: more than ${vehicle.reload.max ?? 4} reloads`);
        next = vehicle.reload?.place ?? vehicle.start ?? vehicle.end ?? null;
        service = vehicle.reload?.service ?? 0;
      } else if (step.type === 'pickup' || step.type === 'delivery') {
        const job = step.job === undefined ? undefined : jobs.get(step.job);
        label = `job ${step.job} (${step.type})`;
        if (!job) {
          errors.push(`${where}: unknown job ${step.job}`);
          continue;
        }
        const skills = vehicle.skills ?? [];
        if (!(job.skills ?? []).every((skill) => skills.includes(skill))) errors.push(`${where}: lacks a skill job ${job.id} needs`);
        let stop;
        if (job.type === 'shipment') {
          stop = step.type === 'pickup' ? job.pickup : job.delivery;
          if (step.type === 'pickup') {
            if (pickedUp.has(job.id) || served.has(job.id)) errors.push(`${where}: job ${job.id} picked up twice`);
            pickedUp.add(job.id);
            routeOf.set(job.id, vehicle.id);
          } else {
            if (!pickedUp.has(job.id)) errors.push(`${where}: job ${job.id} delivered before (or without) its pickup on this route`);
            if (served.has(job.id)) errors.push(`${where}: job ${job.id} delivered twice`);
            pickedUp.delete(job.id);
            served.add(job.id);
          }
        } else {
          if (step.type !== job.type) errors.push(`${where}: job ${job.id} is a ${job.type}, not a ${step.type}`);
          stop = job.stop;
          if (served.has(job.id)) errors.push(`${where}: job ${job.id} served twice`);
          served.add(job.id);
        }
        next = stop.place;
        earliest = stop.window?.earliest ?? -Infinity;
        latest = stop.window?.latest ?? Infinity;
        service = stop.service ?? 0;
        if (step.type === 'pickup') {
          const into = job.type === 'shipment' ? shipmentsOnBoard : pickedSinceReload;
          for (let d = 0; d < D; d += 1) into[d] = (into[d] as number) + amountOf(job, d);
        }
        else if (job.type === 'shipment') for (let d = 0; d < D; d += 1) shipmentsOnBoard[d] = (shipmentsOnBoard[d] as number) - amountOf(job, d);
        else for (let d = 0; d < D; d += 1) deliveriesLeft[d] = (deliveriesLeft[d] as number) - amountOf(job, d);
      } else {
        errors.push(`${where}: a ${step.type} step in the middle of the route`);
        continue;
      }
      // A fixed stop is done (or started): its window no longer applies, not even to wait.
      if (isFixed) {
        earliest = -Infinity;
        latest = Infinity;
      }
      const leg = step.type === 'break' ? 0 : travel(place, next);
      const legDistance = step.type === 'break' ? 0 : distanceOf(place, next);
      const arrival = time + leg;
      const serviceStart = Math.max(arrival, earliest);
      if (serviceStart > latest + TOLERANCE) errors.push(`${where}: ${label} starts at ${serviceStart}, after ${latest}`);
      distance += legDistance;
      travelTime += leg;
      time = serviceStart + service;
      place = next;
      if (step.type === 'reload') {
        tripIndex += 1;
        pickedSinceReload.fill(0);
        deliveriesLeft = [...(tripDeliveries[tripIndex] ?? new Array<number>(D).fill(0))];
      }
      checkLoad(label);
      if (!agrees(step.arrival, arrival) || !agrees(step.serviceStart, serviceStart) || !agrees(step.departure, time)) {
        errors.push(`${where}: ${label} reported at ${step.arrival}/${step.serviceStart}/${step.departure}, the route gives ${arrival}/${serviceStart}/${time}`);
      }
      if (!loadAgrees(step.load, load())) errors.push(`${where}: ${label} reports load ${JSON.stringify(step.load)}, the route gives ${JSON.stringify(load())}`);
      if (!agrees(step.distance, distance)) errors.push(`${where}: ${label} reports ${step.distance} travelled, the route gives ${distance}`);
    }
    const end = vehicle.end ?? null;
    const leg = travel(place, end);
    distance += distanceOf(place, end);
    travelTime += leg;
    const arrival = time + leg;
    if (arrival > vehicle.shift.end + TOLERANCE) errors.push(`${where}: back at ${arrival}, after its shift ends (${vehicle.shift.end})`);
    if (vehicle.shift.end < vehicle.shift.start) errors.push(`${where}: used although its shift ends before it starts`);
    for (const pause of vehicle.breaks ?? []) if (!breaksTaken.has(pause.id)) errors.push(`${where}: break ${pause.id} not taken`);
    if (pickedUp.size > 0 && [...pickedUp].some((id) => !(vehicle.fixed ?? []).some((stop) => 'job' in stop && stop.job === id))) errors.push(`${where}: picked up but never delivered: ${[...pickedUp].join(', ')}`);
    const last = route.steps[route.steps.length - 1];
    if (last && last.type === 'end' && !agrees(last.arrival, arrival)) errors.push(`${where}: reported back at ${last.arrival}, the route gives ${arrival}`);
    if (!agrees(route.distance, distance)) errors.push(`${where}: reports ${route.distance} travelled, the route gives ${distance}`);
    totalDistance += distance;
    totalTravel += travelTime;
  }
  // Vehicles with fixed stops keep them even when not listed.
  for (const vehicle of problem.vehicles) if ((vehicle.fixed ?? []).length > 0 && !usedVehicles.has(vehicle.id)) errors.push(`vehicle ${vehicle.id}: its fixed stops are gone`);
  const unassigned = new Set(plan.unassigned.map((entry) => entry.job));
  for (const job of problem.jobs) {
    if (served.has(job.id) && unassigned.has(job.id)) errors.push(`job ${job.id} both served and unassigned`);
    if (!served.has(job.id) && !unassigned.has(job.id)) errors.push(`job ${job.id} neither served nor listed as unassigned`);
  }
  if (plan.summary && plan.summary.served !== served.size) errors.push(`the summary says ${plan.summary.served} jobs served, the routes serve ${served.size}`);
  if (plan.summary && !near(plan.summary.distance, totalDistance)) errors.push(`the summary says ${plan.summary.distance} travelled, the routes give ${totalDistance}`);
  return { feasible: errors.length === 0, errors, served: served.size, vehicles: usedVehicles.size, distance: totalDistance, travelTime: totalTravel };
}
