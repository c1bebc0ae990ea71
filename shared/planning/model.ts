/**
 * The solver's compiled form of a `Problem`: every stop a route can hold is a numbered node with
 * its place, window, service time and load in flat typed arrays, so that the search reads
 * numbers, never objects. Internal to `shared/planning/`.
 */
import { DEFAULT_MAX_RELOADS, PlanningInputError, validateProblem, type Job, type Problem, type Vehicle } from './problem.js';

/** Node kinds. */
export const START = 0;
export const END = 1;
/** A shipment's pickup and delivery. */
export const PICKUP = 2;
export const DELIVERY = 3;
/** A single pickup (unloaded at the next reload or the end) and a single delivery (loaded at the start or the last reload). */
export const SINGLE_PICKUP = 4;
export const SINGLE_DELIVERY = 5;
export const BREAK = 6;
export const RELOAD = 7;

export interface CompiledVehicle {
  index: number;
  id: string;
  startNode: number;
  endNode: number;
  /** Break nodes, by earliest start. */
  breakNodes: number[];
  /** Reload nodes this vehicle may use (each at most once). */
  reloadNodes: number[];
  /** The fixed prefix (nodes, in order). */
  fixed: number[];
  capacity: Float64Array;
  /** Travel times and travel cost (durations or distances) on its profile, over `places + 1` places. */
  durations: Float64Array;
  costs: Float64Array;
  distances: Float64Array;
  /** Vehicles of one class are interchangeable (same places, shift, capacity, profile, skills, breaks, reloads, no fixed stop). */
  classId: number;
  /** Why it cannot be used at all (its shift ends before it starts…), if so. */
  unusable?: string;
}

export interface Model {
  problem: Problem;
  /** Places, the extra one ("nowhere", index `places - 1`) standing for an open start or end: 0 from and to everything. */
  places: number;
  nowhere: number;
  dimensions: number;
  nodes: number;
  place: Int32Array;
  kind: Uint8Array;
  earliest: Float64Array;
  latest: Float64Array;
  service: Float64Array;
  /** Per node, `dimensions` entries: the amount loaded or unloaded (non-negative). */
  amount: Float64Array;
  /** Node → job index (-1 for vehicle nodes), and the other node of a shipment (-1 otherwise). */
  job: Int32Array;
  partner: Int32Array;
  /** Node → its vehicle, for start, end, break and reload nodes (-1 for jobs). */
  owner: Int32Array;
  fixed: Uint8Array;
  /** Job → its first node (the pickup of a shipment) and second node (the delivery; -1 for single jobs). */
  jobFirst: Int32Array;
  jobSecond: Int32Array;
  jobs: readonly Job[];
  /** Job → the vehicle it must stay on (its pickup is fixed there), or -1. */
  jobVehicle: Int32Array;
  /** Job → fully fixed (every node in a fixed prefix). */
  jobFixed: Uint8Array;
  vehicles: CompiledVehicle[];
  /** compatible[job * vehicles + vehicle]: skills, usability, fixed vehicle. */
  compatible: Uint8Array;
  /** Job nodes (the ones routes are built from), and for each, every other job node by increasing distance. */
  jobNodes: Int32Array;
  neighbours: Int32Array;
  /** Cost from the hub (the first vehicle's start or end) to each node: the "far" and "close" orders of the recreate step. */
  hubCost: Float64Array;
  /** True when the cost matrices satisfy the triangle inequality (insertion never costs less than 0). */
  metric: boolean;
}

const matrixKey = (vehicle: Vehicle) => `${vehicle.profile ?? 'default'}|${vehicle.speedFactor ?? 1}`;

/** Copies a problem's matrix into a (places + 1)² one with the "nowhere" row and column at 0. */
function extend(matrix: ArrayLike<number>, n: number, factor: number): Float64Array {
  const size = n + 1;
  const out = new Float64Array(size * size);
  for (let i = 0; i < n; i += 1) for (let j = 0; j < n; j += 1) out[i * size + j] = (matrix[i * n + j] as number) / factor;
  return out;
}

function isMetric(costs: Float64Array, size: number): boolean {
  // Every triple for small matrices, a deterministic sample of them for large ones.
  const triples = size * size * size;
  const step = triples <= 4_000_000 ? 1 : Math.ceil(triples / 4_000_000);
  for (let t = 0; t < triples; t += step) {
    const i = Math.floor(t / (size * size));
    const j = Math.floor(t / size) % size;
    const k = t % size;
    if ((costs[i * size + k] as number) > (costs[i * size + j] as number) + (costs[j * size + k] as number) + 1e-9) return false;
  }
  return true;
}

export function compile(problem: Problem): Model {
  const errors = validateProblem(problem);
  if (errors.length > 0) throw new PlanningInputError(errors);
  const n = problem.places;
  const places = n + 1;
  const nowhere = n;
  const dimensions = problem.vehicles[0]?.capacity.length ?? Math.max(0, ...problem.jobs.map((job) => job.amount.length));
  const costKind = problem.objective?.cost ?? 'duration';

  // Nodes: each vehicle's start, end, breaks and reloads, then the jobs'.
  let count = 0;
  for (const vehicle of problem.vehicles) count += 2 + (vehicle.breaks?.length ?? 0) + (vehicle.reload ? (vehicle.reload.max ?? DEFAULT_MAX_RELOADS) : 0);
  const firstJobNode = count;
  for (const job of problem.jobs) count += job.type === 'shipment' ? 2 : 1;
  const place = new Int32Array(count);
  const kind = new Uint8Array(count);
  const earliest = new Float64Array(count).fill(-Infinity);
  const latest = new Float64Array(count).fill(Infinity);
  const service = new Float64Array(count);
  const amount = new Float64Array(count * dimensions);
  const job = new Int32Array(count).fill(-1);
  const partner = new Int32Array(count).fill(-1);
  const owner = new Int32Array(count).fill(-1);
  const fixed = new Uint8Array(count);

  const matrices = new Map<string, { durations: Float64Array; distances: Float64Array }>();
  const vehicles: CompiledVehicle[] = [];
  const classes = new Map<string, number>();
  let next = 0;
  for (const [index, vehicle] of problem.vehicles.entries()) {
    const key = matrixKey(vehicle);
    let matrix = matrices.get(key);
    if (!matrix) {
      const source = problem.matrices[vehicle.profile ?? 'default'] as { durations: ArrayLike<number>; distances: ArrayLike<number> };
      matrix = { durations: extend(source.durations, n, vehicle.speedFactor ?? 1), distances: extend(source.distances, n, 1) };
      matrices.set(key, matrix);
    }
    const startNode = next++;
    const endNode = next++;
    const { start, end } = vehicle.shift;
    place[startNode] = vehicle.start ?? nowhere;
    place[endNode] = vehicle.end ?? nowhere;
    kind[startNode] = START;
    kind[endNode] = END;
    earliest[startNode] = start;
    latest[startNode] = end;
    earliest[endNode] = start;
    latest[endNode] = end;
    owner[startNode] = index;
    owner[endNode] = index;
    const breakNodes: number[] = [];
    for (const pause of [...(vehicle.breaks ?? [])].sort((a, b) => a.earliest - b.earliest)) {
      const node = next++;
      kind[node] = BREAK;
      place[node] = -1;
      earliest[node] = pause.earliest;
      latest[node] = pause.latest;
      service[node] = pause.duration;
      owner[node] = index;
      breakNodes.push(node);
    }
    const reloadNodes: number[] = [];
    if (vehicle.reload) {
      for (let r = 0; r < (vehicle.reload.max ?? DEFAULT_MAX_RELOADS); r += 1) {
        const node = next++;
        kind[node] = RELOAD;
        place[node] = vehicle.reload.place ?? vehicle.start ?? vehicle.end ?? nowhere;
        service[node] = vehicle.reload.service ?? 0;
        owner[node] = index;
        reloadNodes.push(node);
      }
    }
    let unusable: string | undefined;
    if (!(start <= end)) unusable = `its shift ends (${end}) before it starts (${start})`;
    else if ((vehicle.breaks ?? []).some((pause) => pause.earliest > pause.latest)) unusable = 'a break window ends before it starts';
    else if (vehicle.capacity.some((value) => value < 0)) unusable = 'a negative capacity';
    const classKey = JSON.stringify([
      vehicle.start ?? null,
      vehicle.end ?? null,
      vehicle.shift,
      vehicle.capacity,
      key,
      [...(vehicle.skills ?? [])].sort(),
      (vehicle.breaks ?? []).map((pause) => [pause.earliest, pause.latest, pause.duration]),
      vehicle.reload ?? null,
      (vehicle.fixed?.length ?? 0) > 0 ? vehicle.id : null,
      unusable ?? null,
    ]);
    if (!classes.has(classKey)) classes.set(classKey, classes.size);
    vehicles.push({
      index,
      id: vehicle.id,
      startNode,
      endNode,
      breakNodes,
      reloadNodes,
      fixed: [],
      capacity: Float64Array.from({ length: dimensions }, (_, d) => vehicle.capacity[d] ?? 0),
      durations: matrix.durations,
      distances: matrix.distances,
      costs: costKind === 'distance' ? matrix.distances : matrix.durations,
      classId: classes.get(classKey) as number,
      ...(unusable ? { unusable } : {}),
    });
  }

  const jobCount = problem.jobs.length;
  const jobFirst = new Int32Array(jobCount);
  const jobSecond = new Int32Array(jobCount).fill(-1);
  const jobIndex = new Map<string, number>();
  next = firstJobNode;
  const setStop = (node: number, stop: { place: number; service?: number; window?: { earliest: number; latest: number } }, j: number, nodeKind: number, load: readonly number[]) => {
    place[node] = stop.place;
    kind[node] = nodeKind;
    service[node] = stop.service ?? 0;
    earliest[node] = stop.window?.earliest ?? -Infinity;
    latest[node] = stop.window?.latest ?? Infinity;
    job[node] = j;
    for (let d = 0; d < dimensions; d += 1) amount[node * dimensions + d] = load[d] ?? 0;
  };
  for (const [j, item] of problem.jobs.entries()) {
    jobIndex.set(item.id, j);
    if (item.type === 'shipment') {
      const pickup = next++;
      const delivery = next++;
      setStop(pickup, item.pickup, j, PICKUP, item.amount);
      setStop(delivery, item.delivery, j, DELIVERY, item.amount);
      partner[pickup] = delivery;
      partner[delivery] = pickup;
      jobFirst[j] = pickup;
      jobSecond[j] = delivery;
    } else {
      const node = next++;
      setStop(node, item.stop, j, item.type === 'pickup' ? SINGLE_PICKUP : SINGLE_DELIVERY, item.amount);
      jobFirst[j] = node;
    }
  }

  // Fixed prefixes: windows relaxed (done is done), jobs tied to their vehicle.
  const jobVehicle = new Int32Array(jobCount).fill(-1);
  const jobFixed = new Uint8Array(jobCount);
  for (const [index, vehicle] of problem.vehicles.entries()) {
    const compiled = vehicles[index] as CompiledVehicle;
    let reloads = 0;
    for (const stop of vehicle.fixed ?? []) {
      let node: number;
      if ('job' in stop) {
        const j = jobIndex.get(stop.job) as number;
        const item = problem.jobs[j] as Job;
        node = item.type === 'shipment' && stop.stop === 'delivery' ? (jobSecond[j] as number) : (jobFirst[j] as number);
        jobVehicle[j] = index;
      } else if ('break' in stop) {
        const position = [...(vehicle.breaks ?? [])].sort((a, b) => a.earliest - b.earliest).findIndex((pause) => pause.id === stop.break);
        node = compiled.breakNodes[position] as number;
      } else {
        node = compiled.reloadNodes[reloads++] as number;
      }
      fixed[node] = 1;
      earliest[node] = -Infinity;
      latest[node] = Infinity;
      compiled.fixed.push(node);
    }
  }
  for (let j = 0; j < jobCount; j += 1) {
    const second = jobSecond[j] as number;
    jobFixed[j] = fixed[jobFirst[j] as number] === 1 && (second < 0 || fixed[second] === 1) ? 1 : 0;
  }

  const V = vehicles.length;
  const compatible = new Uint8Array(jobCount * V);
  for (const [j, item] of problem.jobs.entries()) {
    for (const [v, vehicle] of problem.vehicles.entries()) {
      const skills = vehicle.skills ?? [];
      const ok = (item.skills ?? []).every((skill) => skills.includes(skill)) && !(vehicles[v] as CompiledVehicle).unusable && (jobVehicle[j] === -1 || jobVehicle[j] === v);
      compatible[j * V + v] = ok ? 1 : 0;
    }
  }

  // Neighbours for the string removals, and the hub distance for the recreate orders.
  const jobNodeCount = count - firstJobNode;
  const jobNodes = Int32Array.from({ length: jobNodeCount }, (_, i) => firstJobNode + i);
  const reference = vehicles[0]?.costs ?? new Float64Array(places * places);
  const neighbours = new Int32Array(jobNodeCount * jobNodeCount);
  const keys = new Float64Array(jobNodeCount);
  const order = Array.from({ length: jobNodeCount }, (_, i) => i);
  for (let a = 0; a < jobNodeCount; a += 1) {
    const pa = place[firstJobNode + a] as number;
    for (let b = 0; b < jobNodeCount; b += 1) {
      const pb = place[firstJobNode + b] as number;
      keys[b] = a === b ? -1 : (reference[pa * places + pb] as number) + (reference[pb * places + pa] as number);
    }
    order.sort((x, y) => (keys[x] as number) - (keys[y] as number) || x - y);
    for (let b = 0; b < jobNodeCount; b += 1) neighbours[a * jobNodeCount + b] = firstJobNode + (order[b] as number);
  }
  const hub = problem.vehicles[0]?.start ?? problem.vehicles[0]?.end ?? nowhere;
  const hubCost = new Float64Array(count);
  for (let node = firstJobNode; node < count; node += 1) hubCost[node] = reference[hub * places + (place[node] as number)] as number;

  let metric = true;
  for (const matrix of new Set(vehicles.map((vehicle) => vehicle.costs))) if (metric && !isMetric(matrix, places)) metric = false;

  return {
    problem,
    places,
    nowhere,
    dimensions,
    nodes: count,
    place,
    kind,
    earliest,
    latest,
    service,
    amount,
    job,
    partner,
    owner,
    fixed,
    jobFirst,
    jobSecond,
    jobs: problem.jobs,
    jobVehicle,
    jobFixed,
    vehicles,
    compatible,
    jobNodes,
    neighbours,
    hubCost,
    metric,
  };
}
