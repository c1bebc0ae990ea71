/**
 * The route-planning model of issue 17: what the planner is given (a `Problem`) and what it
 * answers (a `Plan`). Pure data, no I/O; `solver.ts` plans, `check.ts` checks a plan on its own.
 *
 * Units: times are seconds (any origin: seconds since midnight for the hub's day, the instance's
 * own units for the literature's benchmarks), distances are whatever the distance matrix holds
 * (metres for the hub), loads are vectors with one entry per capacity dimension (kg, litres…).
 * Places are indices into the travel matrices: `matrices[profile].durations[from * places + to]`.
 *
 * Hard constraints, never broken by a plan:
 * - the load on board never exceeds the vehicle's capacity, in every dimension, after any stop;
 * - service at a stop starts inside its window (`earliest` ≤ start ≤ `latest`): a courier who
 *   arrives early waits, one who would arrive after `latest` cannot take the stop;
 * - a shipment's pickup and delivery are on the same route, the pickup first;
 * - a route leaves its start no earlier than the shift's start and reaches its end no later than
 *   the shift's end;
 * - every break of a used vehicle is taken, starting inside its window, for its whole duration.
 * Objective, in this order: serve as many jobs as possible; then (when asked, for the literature's
 * benchmarks) use as few vehicles as possible; then minimise the total travel cost (duration, or
 * distance).
 *
 * Loads and multi-trip. A `shipment` is loaded at its pickup and unloaded at its delivery. A
 * single `delivery` is loaded at the hub: at the start of the route, or at the last reload
 * before it. A single `pickup` (a collection that ends at the hub) stays on board until the next
 * reload or the end of the route. A `reload` visit (vehicles with `reload`) unloads the
 * collections picked up since the previous one and loads the deliveries of the next trip;
 * shipments on board stay on board.
 *
 * Breaks. A break is a step of the route: it starts inside its window and lasts `duration`
 * seconds, at the place of the stop before it (before riding on). A fixed break is a window with
 * `earliest` = `latest`.
 *
 * Fixed stops. `vehicle.fixed` lists the stops a re-plan must keep: the first stops of the route,
 * in that order (already done, or started). They are never moved, nothing is inserted before
 * them, and their windows are not enforced (what is done is done; their times are still
 * computed). A shipment whose pickup is fixed and delivery is not stays on that vehicle: its
 * delivery is planned later in the same route.
 */

/** A time window, in seconds. */
export interface TimeWindow {
  earliest: number;
  latest: number;
}

/** A place to visit for a job. */
export interface JobStop {
  place: number;
  /** Seconds spent at the stop (parking, handing over). Default 0. */
  service?: number;
  /** When service may start. Default: any time. */
  window?: TimeWindow;
}

/** A parcel taken at one place and brought to another by the same vehicle. */
export interface Shipment {
  type: 'shipment';
  id: string;
  pickup: JobStop;
  delivery: JobStop;
  /** The load, one entry per capacity dimension (missing entries are 0). */
  amount: readonly number[];
  /** Every one of these must be among the vehicle's skills. */
  skills?: readonly string[];
}

/**
 * A single stop: a `delivery` loaded at the hub (at the start of the route or at a reload), or a
 * `pickup` brought back to the hub (unloaded at the next reload or at the end of the route).
 */
export interface SingleJob {
  type: 'delivery' | 'pickup';
  id: string;
  stop: JobStop;
  amount: readonly number[];
  skills?: readonly string[];
}

export type Job = Shipment | SingleJob;

/** A break: starts inside [earliest, latest], lasts `duration` seconds. */
export interface Break {
  id: string;
  earliest: number;
  latest: number;
  duration: number;
}

/** A stop that stays where it is when re-planning. */
export type FixedStop = { job: string; stop?: 'pickup' | 'delivery' } | { break: string } | { reload: true };

export interface Vehicle {
  id: string;
  /** Where the route starts; `null` or absent: at its first stop. */
  start?: number | null;
  /** Where the route ends; `null` or absent: at its last stop. */
  end?: number | null;
  shift: { start: number; end: number };
  /** One entry per capacity dimension, the same number for every vehicle. */
  capacity: readonly number[];
  /** Which matrices it rides on (default `default`). */
  profile?: string;
  /** Travel times are divided by this (default 1; 1.2 = 20 % faster). */
  speedFactor?: number;
  skills?: readonly string[];
  breaks?: readonly Break[];
  /** Multi-trip: the vehicle may go back to `place` (default: its start, else its end) to unload and reload. */
  reload?: { place?: number; service?: number; max?: number };
  /** The first stops of the route, kept as they are (see above). */
  fixed?: readonly FixedStop[];
}

/** Row-major square matrices over the places: `durations[from * places + to]`. */
export interface Matrices {
  durations: ArrayLike<number>;
  distances: ArrayLike<number>;
}

export interface Objective {
  /** What "travel" the planner minimises (default `duration`). */
  cost?: 'duration' | 'distance';
  /** Use as few vehicles as possible before minimising travel (the literature's usual objective). */
  minimiseVehicles?: boolean;
}

export interface Problem {
  /** The number of places the matrices cover. */
  places: number;
  /** By profile; `default` is used by vehicles without a profile. */
  matrices: Readonly<Record<string, Matrices>>;
  vehicles: readonly Vehicle[];
  jobs: readonly Job[];
  objective?: Objective;
}

/** A step of a planned route. */
export interface Step {
  type: 'start' | 'pickup' | 'delivery' | 'break' | 'reload' | 'end';
  /** The job (pickup, delivery), or the break's id. */
  job?: string;
  break?: string;
  /** The place (for a break: where it is taken); absent for an open start or end. */
  place?: number;
  arrival: number;
  /** When service starts (after waiting, if early). */
  serviceStart: number;
  departure: number;
  /** On board after the step. */
  load: number[];
  /** Travelled since the start of the route, when the step is reached. */
  distance: number;
  /** Fixed (kept from before). */
  fixed?: boolean;
}

export interface PlannedRoute {
  vehicle: string;
  steps: Step[];
  distance: number;
  /** Riding time, without service, waiting or breaks. */
  travelTime: number;
  /** From the departure of the start to the arrival at the end. */
  duration: number;
}

export type UnassignedReason =
  | 'skills' // no vehicle has the skills
  | 'capacity' // heavier or bulkier than every vehicle able to take it
  | 'time-window' // no vehicle can reach it inside its window (and come back inside its shift)
  | 'no-vehicle' // no usable vehicle
  | 'no-room'; // each vehicle could take it alone, but not with the rest of the plan

export interface UnassignedJob {
  job: string;
  reason: UnassignedReason;
}

export interface Plan {
  /** Used vehicles only, in the order of `problem.vehicles`. */
  routes: PlannedRoute[];
  unassigned: UnassignedJob[];
  /** Vehicles that cannot be used at all, with the reason (shift ends before it starts…). */
  unusableVehicles: { vehicle: string; reason: string }[];
  summary: { served: number; vehicles: number; distance: number; travelTime: number; cost: number };
  /** How the search went (for benchmarks and reproduction). */
  stats: SearchStats;
}

export interface SearchStats {
  seed: number;
  /** Ruin-and-recreate iterations done (all phases). */
  iterations: number;
  /** The budget the cooling schedule was laid out for: iterations when given, else work units (from the time limit). */
  budget: number;
  /** Work units spent (positions examined and updated). */
  work: number;
  /**
   * Whether the clock drove the schedule at some point (a machine slower than the budget
   * assumes): then, and only then, the plan depends on the machine's speed and load.
   */
  clockBound: boolean;
  /** The iteration at which the returned plan was found, and when (ms since the start, if a clock was given). */
  bestIteration: number;
  bestAtMs: number;
  elapsedMs: number;
  /** Whether the time limit cut the search before its budget. */
  timedOut: boolean;
}

/** A problem that cannot be read: the caller's fault (a 4xx), never a plan. */
export class PlanningInputError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid planning problem: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
    this.name = 'PlanningInputError';
  }
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * The structural errors of a problem (empty when it can be planned): matrices of the wrong size
 * or with negative or non-finite entries, unknown places or profiles, duplicate ids, loads of
 * the wrong dimension, fixed stops that name nothing. What is well-formed but cannot be served (a
 * shift that ends before it starts, a job heavier than every vehicle) is not an error: the plan
 * says why.
 */
export function validateProblem(problem: Problem): string[] {
  const errors: string[] = [];
  const n = problem.places;
  if (!Number.isInteger(n) || n < 0) return [`places must be a non-negative integer, got ${String(n)}`];
  const profiles = Object.keys(problem.matrices ?? {});
  for (const profile of profiles) {
    const matrices = problem.matrices[profile] as Matrices;
    for (const name of ['durations', 'distances'] as const) {
      const matrix = matrices[name];
      if (!matrix || matrix.length !== n * n) {
        errors.push(`matrices.${profile}.${name} must hold ${n * n} entries (${n} places squared), got ${matrix?.length ?? 'none'}`);
        continue;
      }
      for (let i = 0; i < matrix.length; i += 1) {
        const value = matrix[i];
        if (!finite(value) || value < 0) {
          errors.push(`matrices.${profile}.${name}[${i}] must be a finite non-negative number, got ${String(value)}`);
          break;
        }
      }
    }
  }
  const place = (value: unknown, where: string) => {
    if (value === undefined || value === null) return;
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) >= n) errors.push(`${where} must be a place index in [0, ${n}), got ${String(value)}`);
  };
  const dimensions = problem.vehicles[0]?.capacity.length ?? Math.max(0, ...problem.jobs.map((job) => job.amount.length));
  const ids = new Set<string>();
  const jobs = new Map<string, Job>();
  for (const job of problem.jobs) {
    if (typeof job.id !== 'string' || ids.has(job.id)) errors.push(`job id ${JSON.stringify(job.id)} is missing or used twice`);
    ids.add(job.id);
    jobs.set(job.id, job);
    if (job.type !== 'shipment' && job.type !== 'pickup' && job.type !== 'delivery') {
      errors.push(`job ${job.id}: unknown type ${String((job as { type: unknown }).type)}`);
      continue;
    }
    if (!Array.isArray(job.amount) || job.amount.length > dimensions || job.amount.some((value) => !finite(value) || value < 0)) {
      errors.push(`job ${job.id}: amount must list at most ${dimensions} finite non-negative numbers`);
    }
    const stops = job.type === 'shipment' ? [job.pickup, job.delivery] : [job.stop];
    for (const stop of stops) {
      if (!stop) {
        errors.push(`job ${job.id}: a stop is missing`);
        continue;
      }
      place(stop.place, `job ${job.id}: place`);
      if (stop.place === undefined || stop.place === null) errors.push(`job ${job.id}: a stop needs a place`);
      if (stop.service !== undefined && (!finite(stop.service) || stop.service < 0)) errors.push(`job ${job.id}: service must be a finite non-negative number`);
      if (stop.window && (!finite(stop.window.earliest) || !finite(stop.window.latest))) errors.push(`job ${job.id}: window bounds must be finite numbers`);
    }
  }
  const vehicleIds = new Set<string>();
  for (const vehicle of problem.vehicles) {
    const where = `vehicle ${vehicle.id}`;
    if (typeof vehicle.id !== 'string' || vehicleIds.has(vehicle.id)) errors.push(`vehicle id ${JSON.stringify(vehicle.id)} is missing or used twice`);
    vehicleIds.add(vehicle.id);
    place(vehicle.start, `${where}: start`);
    place(vehicle.end, `${where}: end`);
    if (!vehicle.shift || !finite(vehicle.shift.start) || !finite(vehicle.shift.end)) errors.push(`${where}: shift start and end must be finite numbers`);
    if (!Array.isArray(vehicle.capacity) || vehicle.capacity.length !== dimensions || vehicle.capacity.some((value) => !finite(value) || value < 0)) {
      errors.push(`${where}: capacity must list ${dimensions} finite non-negative numbers (as many as every vehicle)`);
    }
    const profile = vehicle.profile ?? 'default';
    if (!profiles.includes(profile)) errors.push(`${where}: no matrices for profile ${profile}`);
    if (vehicle.speedFactor !== undefined && (!finite(vehicle.speedFactor) || vehicle.speedFactor <= 0)) errors.push(`${where}: speedFactor must be a positive number`);
    const breakIds = new Set<string>();
    for (const pause of vehicle.breaks ?? []) {
      if (breakIds.has(pause.id)) errors.push(`${where}: break ${pause.id} listed twice`);
      breakIds.add(pause.id);
      if (!finite(pause.earliest) || !finite(pause.latest) || !finite(pause.duration) || pause.duration < 0) errors.push(`${where}: break ${pause.id} needs finite earliest, latest and a non-negative duration`);
    }
    if (vehicle.reload) {
      place(vehicle.reload.place, `${where}: reload place`);
      const reloadPlace = vehicle.reload.place ?? vehicle.start ?? vehicle.end;
      if (reloadPlace === undefined || reloadPlace === null) errors.push(`${where}: reload needs a place (or a start or end)`);
      if (vehicle.reload.service !== undefined && (!finite(vehicle.reload.service) || vehicle.reload.service < 0)) errors.push(`${where}: reload service must be a finite non-negative number`);
      if (vehicle.reload.max !== undefined && (!Number.isInteger(vehicle.reload.max) || vehicle.reload.max < 0)) errors.push(`${where}: reload max must be a non-negative integer`);
    }
  }
  // Fixed stops: known, once each, a shipment's delivery after its pickup on the same vehicle.
  const fixedStops = new Map<string, string>();
  for (const vehicle of problem.vehicles) {
    let reloads = 0;
    for (const fixed of vehicle.fixed ?? []) {
      if ('job' in fixed) {
        const job = jobs.get(fixed.job);
        if (!job) {
          errors.push(`vehicle ${vehicle.id}: fixed stop of unknown job ${fixed.job}`);
          continue;
        }
        const stop = job.type === 'shipment' ? (fixed.stop ?? 'pickup') : job.type;
        if (job.type !== 'shipment' && fixed.stop !== undefined && fixed.stop !== job.type) errors.push(`vehicle ${vehicle.id}: job ${job.id} has no ${fixed.stop}`);
        const key = `${job.id}/${stop}`;
        if (fixedStops.has(key)) errors.push(`job ${job.id}: its ${stop} is fixed twice`);
        fixedStops.set(key, vehicle.id);
        if (job.type === 'shipment' && stop === 'delivery' && fixedStops.get(`${job.id}/pickup`) !== vehicle.id) errors.push(`vehicle ${vehicle.id}: job ${job.id}'s delivery is fixed before (or without) its pickup`);
      } else if ('break' in fixed) {
        if (!(vehicle.breaks ?? []).some((pause) => pause.id === fixed.break)) errors.push(`vehicle ${vehicle.id}: fixed break ${fixed.break} is not one of its breaks`);
        if (fixedStops.has(`break/${vehicle.id}/${fixed.break}`)) errors.push(`vehicle ${vehicle.id}: break ${fixed.break} fixed twice`);
        fixedStops.set(`break/${vehicle.id}/${fixed.break}`, vehicle.id);
      } else if ('reload' in fixed) {
        reloads += 1;
        if (!vehicle.reload || reloads > (vehicle.reload.max ?? DEFAULT_MAX_RELOADS)) errors.push(`vehicle ${vehicle.id}: more fixed reloads than it may make`);
      } else errors.push(`vehicle ${vehicle.id}: a fixed stop names no job, break or reload`);
    }
  }
  return errors;
}

/** Reloads a multi-trip vehicle may make when `reload.max` is not given. */
export const DEFAULT_MAX_RELOADS = 4;
