/**
 * Planning problems for the planner's tests: small hand-written ones, and seeded random ones
 * built around a plan known to be feasible ("planted": the routes are drawn first, then the
 * windows, capacities and shifts are set around the times and loads they give).
 */
import type { CheckablePlan } from '../../shared/planning/check.js';
import type { Break, FixedStop, Job, Problem, Step, Vehicle } from '../../shared/planning/problem.js';
import { Random } from '../../shared/planning/random.js';

export interface Point {
  x: number;
  y: number;
}

/** Euclidean matrices (duration = distance) over points; place 0 first. */
export function euclideanMatrices(points: readonly Point[]) {
  const n = points.length;
  const distances = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      const a = points[i] as Point;
      const b = points[j] as Point;
      distances[i * n + j] = Math.hypot(a.x - b.x, a.y - b.y);
    }
  }
  return { durations: distances, distances };
}

/** A line of places at x = 0, 10, 20…: place 0 is the hub. */
export function line(count: number): { places: number; matrices: Problem['matrices'] } {
  return { places: count, matrices: { default: euclideanMatrices(Array.from({ length: count }, (_, i) => ({ x: 10 * i, y: 0 }))) } };
}

type PlantedStep = { type: 'pickup' | 'delivery'; job: string } | { type: 'break'; break: string } | { type: 'reload' };

export interface Planted {
  problem: Problem;
  /** The plan the problem was built around (every job served). */
  plan: CheckablePlan;
}

/**
 * A random problem with a feasible plan serving every job: 1 to 3 vehicles, each with 1 to 6
 * jobs (shipments, hub deliveries, collections for the hub), two capacity dimensions, windows
 * around the planned times (some tight, some making the courier wait), breaks, reloads, skills,
 * fixed prefixes.
 */
export function planted(seed: number): Planted {
  const random = new Random(seed);
  const points: Point[] = [{ x: 50, y: 50 }];
  const place = () => {
    points.push({ x: random.int(101), y: random.int(101) });
    return points.length - 1;
  };
  const vehicleCount = 1 + random.int(3);
  const jobs: Job[] = [];
  const vehicles: Vehicle[] = [];
  const plannedRoutes: { vehicle: string; steps: PlantedStep[] }[] = [];
  let jobNumber = 0;
  // First the routes (steps, places), then the times and loads they give.
  const drafts: { id: string; steps: PlantedStep[]; places: Map<string, number>; breaks: Break[]; reload: boolean; skills: string[] }[] = [];
  const shipments = new Map<string, { pickup: number; delivery: number; amount: number[] }>();
  const singles = new Map<string, { type: 'pickup' | 'delivery'; place: number; amount: number[] }>();
  const skillOf = new Map<string, string>();
  for (let v = 0; v < vehicleCount; v += 1) {
    const id = `v${v + 1}`;
    const steps: PlantedStep[] = [];
    const pending: string[] = [];
    const count = 1 + random.int(6);
    const skills = random.next() < 0.3 ? ['cold'] : [];
    for (let i = 0; i < count; i += 1) {
      const job = `j${++jobNumber}`;
      const amount = [1 + random.int(5), 1 + random.int(5)];
      if (skills.length > 0 && random.next() < 0.5) skillOf.set(job, 'cold');
      const draw = random.next();
      if (draw < 0.4) {
        shipments.set(job, { pickup: place(), delivery: place(), amount });
        steps.push({ type: 'pickup', job });
        pending.push(job);
      } else {
        singles.set(job, { type: draw < 0.75 ? 'delivery' : 'pickup', place: place(), amount });
        steps.push({ type: draw < 0.75 ? 'delivery' : 'pickup', job });
      }
      while (pending.length > 0 && random.next() < 0.5) steps.push({ type: 'delivery', job: pending.splice(random.int(pending.length), 1)[0] as string });
    }
    for (const job of pending) steps.push({ type: 'delivery', job });
    const reload = random.next() < 0.4;
    if (reload && steps.length > 1) steps.splice(1 + random.int(steps.length - 1), 0, { type: 'reload' });
    const breaks: Break[] = [];
    if (random.next() < 0.5) {
      steps.splice(random.int(steps.length + 1), 0, { type: 'break', break: 'lunch' });
      breaks.push({ id: 'lunch', earliest: 0, latest: 0, duration: 1 + random.int(10) });
    }
    drafts.push({ id, steps, places: new Map(), breaks, reload, skills });
  }
  const matrices = euclideanMatrices(points);
  const n = points.length;
  const travel = (a: number, b: number) => matrices.durations[a * n + b] as number;
  const windows = new Map<string, { earliest: number; latest: number }>();
  const services = new Map<string, number>();
  for (const draft of drafts) {
    let time = 0;
    let at = 0;
    // Loads: single deliveries are loaded at the start or the last reload.
    const capacity = [1, 1];
    let onBoard = [0, 0];
    const trips: number[][] = [[0, 0]];
    for (const step of draft.steps) {
      if (step.type === 'reload') trips.push([0, 0]);
      else if (step.type === 'delivery' && singles.get(step.job)?.type === 'delivery') {
        const amount = singles.get(step.job)?.amount as number[];
        const trip = trips[trips.length - 1] as number[];
        trip[0] = (trip[0] as number) + (amount[0] as number);
        trip[1] = (trip[1] as number) + (amount[1] as number);
      }
    }
    let trip = 0;
    let picked = [0, 0];
    let shipped = [0, 0];
    const bump = () => {
      onBoard = [0, 1].map((d) => (shipped[d] as number) + (picked[d] as number) + ((trips[trip] as number[])[d] as number));
      for (let d = 0; d < 2; d += 1) capacity[d] = Math.max(capacity[d] as number, onBoard[d] as number);
    };
    bump();
    for (const step of draft.steps) {
      let next = at;
      let service = 0;
      if (step.type === 'reload') {
        next = 0;
        service = 2;
      } else if (step.type === 'break') {
        service = draft.breaks[0]?.duration ?? 0;
      } else {
        const shipment = shipments.get(step.job);
        next = shipment ? (step.type === 'pickup' ? shipment.pickup : shipment.delivery) : (singles.get(step.job)?.place as number);
        service = random.int(6);
        services.set(`${step.job}/${step.type}`, service);
      }
      const arrival = time + (step.type === 'break' ? 0 : travel(at, next));
      const wait = random.next() < 0.3 ? 1 + random.int(10) : 0;
      const start = arrival + wait;
      const window = { earliest: wait > 0 ? start : start - random.int(30), latest: start + (random.next() < 0.3 ? 0 : random.int(40)) };
      if (step.type === 'break') Object.assign(draft.breaks[0] as Break, window);
      else if (step.type !== 'reload') windows.set(`${step.job}/${step.type}`, window);
      time = start + service;
      at = next;
      if (step.type === 'reload') {
        trip += 1;
        picked = [0, 0];
      } else if (step.type === 'pickup' || step.type === 'delivery') {
        const shipment = shipments.get(step.job);
        const single = singles.get(step.job);
        const amount = (shipment?.amount ?? single?.amount) as number[];
        if (shipment) shipped = shipped.map((value, d) => value + (step.type === 'pickup' ? 1 : -1) * (amount[d] as number));
        else if (single?.type === 'pickup') picked = picked.map((value, d) => value + (amount[d] as number));
        else (trips[trip] as number[]).forEach((value, d, trip_) => (trip_[d] = value - (amount[d] as number)));
      }
      bump();
    }
    const back = time + travel(at, 0);
    const vehicle: Vehicle = {
      id: draft.id,
      start: 0,
      end: 0,
      shift: { start: 0, end: back + random.int(20) },
      capacity: capacity.map((value) => value + random.int(4)),
      ...(draft.skills.length > 0 ? { skills: draft.skills } : {}),
      ...(draft.breaks.length > 0 ? { breaks: draft.breaks } : {}),
      ...(draft.reload ? { reload: { service: 2, max: 2 } } : {}),
    };
    // Sometimes the first steps are already done: a fixed prefix.
    if (random.next() < 0.3) {
      const fixed: FixedStop[] = [];
      for (const step of draft.steps.slice(0, 1 + random.int(2))) {
        if (step.type === 'reload') fixed.push({ reload: true });
        else if (step.type === 'break') fixed.push({ break: step.break });
        else fixed.push({ job: step.job, ...(shipments.has(step.job) ? { stop: step.type } : {}) });
      }
      vehicle.fixed = fixed;
    }
    vehicles.push(vehicle);
    plannedRoutes.push({ vehicle: draft.id, steps: draft.steps });
  }
  for (const [id, shipment] of shipments) {
    const stop = (type: 'pickup' | 'delivery', at: number) => ({ place: at, service: services.get(`${id}/${type}`) ?? 0, window: windows.get(`${id}/${type}`) as { earliest: number; latest: number } });
    jobs.push({ type: 'shipment', id, pickup: stop('pickup', shipment.pickup), delivery: stop('delivery', shipment.delivery), amount: shipment.amount, ...(skillOf.has(id) ? { skills: [skillOf.get(id) as string] } : {}) });
  }
  for (const [id, single] of singles) {
    jobs.push({ type: single.type, id, stop: { place: single.place, service: services.get(`${id}/${single.type}`) ?? 0, window: windows.get(`${id}/${single.type}`) as { earliest: number; latest: number } }, amount: single.amount, ...(skillOf.has(id) ? { skills: [skillOf.get(id) as string] } : {}) });
  }
  jobs.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  const problem: Problem = { places: points.length, matrices: { default: matrices }, vehicles, jobs, objective: { cost: 'distance' } };
  const plan: CheckablePlan = {
    routes: plannedRoutes.map((route) => ({ vehicle: route.vehicle, steps: [{ type: 'start' }, ...route.steps.map((step) => ({ ...step }) as { type: Step['type'] }), { type: 'end' }] })),
    unassigned: [],
  };
  return { problem, plan };
}
