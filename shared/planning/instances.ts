/**
 * The literature's benchmark instances, as text (no file access here: the caller reads them).
 *
 * - Solomon (1987), VRPTW: a name line, `VEHICLE` / `NUMBER CAPACITY` and their values, then
 *   `CUSTOMER`, a header, and one line per node: number, x, y, demand, ready time, due date,
 *   service time. Node 0 is the depot; its due date ends the horizon.
 * - Li & Lim (2003), PDPTW: `vehicles capacity speed`, then one line per task: id, x, y, demand,
 *   earliest, latest, service time, pickup index, delivery index. Task 0 is the depot. A pickup
 *   has a positive demand and its delivery index names the partner; a delivery has a negative
 *   demand and its pickup index names its pickup.
 *
 * Distances are Euclidean in double precision (no rounding), as the best-known costs are
 * computed, and travel time = distance. (Li & Lim's third number, "speed", is 1 or 0 in the
 * published files and is not used by the literature: it is kept, but ignored.)
 */
import type { Job, Problem, Vehicle } from './problem.js';

export interface InstanceNode {
  /** The number in the file. */
  id: number;
  x: number;
  y: number;
  demand: number;
  ready: number;
  due: number;
  service: number;
  /** Li & Lim: the pickup's id (for a delivery) and the delivery's id (for a pickup); 0 otherwise. */
  pickup: number;
  delivery: number;
}

export interface Instance {
  name: string;
  format: 'solomon' | 'li-lim';
  vehicles: number;
  capacity: number;
  /** Li & Lim's "speed" (ignored: travel time = distance); 1 for Solomon. */
  speed: number;
  /** The depot first, then the customers or tasks, in file order. */
  nodes: InstanceNode[];
}

export class InstanceFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstanceFormatError';
  }
}

const numbers = (line: string): number[] | undefined => {
  const tokens = line.trim().split(/\s+/).filter((token) => token !== '');
  if (tokens.length === 0) return undefined;
  const values = tokens.map(Number);
  return values.every((value) => Number.isFinite(value)) && tokens.every((token) => /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(token)) ? values : undefined;
};

const lines = (text: string) => text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);

/** Which format a text is in (undefined: neither). */
export function detectFormat(text: string): Instance['format'] | undefined {
  const all = lines(text);
  if (all.some((line) => /^\s*VEHICLE\s*$/i.test(line))) return 'solomon';
  const first = all.find((line) => line.trim() !== '');
  const values = first === undefined ? undefined : numbers(first);
  return values && values.length === 3 ? 'li-lim' : undefined;
}

function checkNodes(nodes: InstanceNode[], name: string): void {
  if (nodes.length < 1) throw new InstanceFormatError(`${name}: no depot line`);
  const ids = new Set<number>();
  for (const node of nodes) {
    if (ids.has(node.id)) throw new InstanceFormatError(`${name}: node ${node.id} appears twice`);
    ids.add(node.id);
      if (node.service < 0) throw new InstanceFormatError(`${name}: node ${node.id} has a negative service time`);
  }
}

export function parseSolomon(text: string, fallbackName = 'instance'): Instance {
  const all = lines(text);
  const name = all.find((line) => line.trim() !== '')?.trim() ?? fallbackName;
  const vehicleAt = all.findIndex((line) => /^\s*VEHICLE\s*$/i.test(line));
  if (vehicleAt < 0) throw new InstanceFormatError(`${fallbackName}: not a Solomon file (no VEHICLE section)`);
  let vehicles: number | undefined;
  let capacity: number | undefined;
  let customersAt = -1;
  for (let i = vehicleAt + 1; i < all.length; i += 1) {
    const line = all[i] as string;
    if (/^\s*CUSTOMER\s*$/i.test(line)) {
      customersAt = i;
      break;
    }
    const values = numbers(line);
    if (values && vehicles === undefined) {
      if (values.length !== 2) throw new InstanceFormatError(`${name}: the VEHICLE section needs "number capacity", got "${line.trim()}"`);
      [vehicles, capacity] = values as [number, number];
    }
  }
  if (vehicles === undefined || capacity === undefined) throw new InstanceFormatError(`${name}: no vehicle number and capacity`);
  if (customersAt < 0) throw new InstanceFormatError(`${name}: no CUSTOMER section`);
  const nodes: InstanceNode[] = [];
  for (let i = customersAt + 1; i < all.length; i += 1) {
    const line = all[i] as string;
    if (line.trim() === '' || /[a-z]/i.test(line)) continue;
    const values = numbers(line);
    if (!values || values.length !== 7) throw new InstanceFormatError(`${name}: line ${i + 1} should hold 7 numbers (number, x, y, demand, ready, due, service), got "${line.trim()}"`);
    const [id, x, y, demand, ready, due, service] = values as [number, number, number, number, number, number, number];
    nodes.push({ id, x, y, demand, ready, due, service, pickup: 0, delivery: 0 });
  }
  checkNodes(nodes, name);
  if (!Number.isInteger(vehicles) || vehicles < 1 || capacity < 0) throw new InstanceFormatError(`${name}: bad vehicle number or capacity`);
  return { name, format: 'solomon', vehicles, capacity, speed: 1, nodes };
}

export function parseLiLim(text: string, name = 'instance'): Instance {
  const all = lines(text).filter((line) => line.trim() !== '');
  const header = all[0] === undefined ? undefined : numbers(all[0]);
  if (!header || header.length !== 3) throw new InstanceFormatError(`${name}: the first line should be "vehicles capacity speed"`);
  const [vehicles, capacity, speed] = header as [number, number, number];
  if (!Number.isInteger(vehicles) || vehicles < 1 || capacity < 0) throw new InstanceFormatError(`${name}: bad vehicles or capacity in the first line`);
  const nodes: InstanceNode[] = [];
  for (let i = 1; i < all.length; i += 1) {
    const values = numbers(all[i] as string);
    if (!values || values.length !== 9) throw new InstanceFormatError(`${name}: line ${i + 1} should hold 9 numbers (id, x, y, demand, earliest, latest, service, pickup, delivery), got "${(all[i] as string).trim()}"`);
    const [id, x, y, demand, ready, due, service, pickup, delivery] = values as [number, number, number, number, number, number, number, number, number];
    nodes.push({ id, x, y, demand, ready, due, service, pickup, delivery });
  }
  checkNodes(nodes, name);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  for (const node of nodes.slice(1)) {
    if (node.delivery > 0) {
      const partner = byId.get(node.delivery);
      if (!partner || partner.pickup !== node.id) throw new InstanceFormatError(`${name}: pickup ${node.id} names delivery ${node.delivery}, which does not name it back`);
      if (partner.demand !== -node.demand) throw new InstanceFormatError(`${name}: pickup ${node.id} and delivery ${partner.id} do not carry the same load`);
    } else if (node.pickup > 0) {
      const partner = byId.get(node.pickup);
      if (!partner || partner.delivery !== node.id) throw new InstanceFormatError(`${name}: delivery ${node.id} names pickup ${node.pickup}, which does not name it back`);
    } else throw new InstanceFormatError(`${name}: task ${node.id} is neither a pickup nor a delivery`);
  }
  return { name, format: 'li-lim', vehicles, capacity, speed, nodes };
}

/** Reads either format (detected); `name` stands in when the file has none (Li & Lim). */
export function parseInstance(text: string, name = 'instance'): Instance {
  const format = detectFormat(text);
  if (format === 'solomon') return parseSolomon(text, name);
  if (format === 'li-lim') return parseLiLim(text, name);
  throw new InstanceFormatError(`${name}: neither a Solomon file (no VEHICLE section) nor a Li & Lim file (first line "vehicles capacity speed")`);
}

/** Euclidean distance in double precision. */
export const euclidean = (a: InstanceNode, b: InstanceNode) => Math.sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y));

/**
 * The planning problem of an instance: place i is the i-th node of the file, `vehicles`
 * identical vehicles at the depot for its whole horizon, one job per customer (Solomon: a
 * delivery from the depot) or per pickup-and-delivery pair (Li & Lim: a shipment, with the id of
 * its pickup). The objective is the distance; vehicles first when asked (default: for Li & Lim,
 * whose best-known solutions minimise vehicles first; Solomon's are compared on distance only).
 */
export function instanceProblem(instance: Instance, options: { minimiseVehicles?: boolean } = {}): Problem {
  const n = instance.nodes.length;
  const distances = new Float64Array(n * n);
  const durations = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      const d = euclidean(instance.nodes[i] as InstanceNode, instance.nodes[j] as InstanceNode);
      distances[i * n + j] = d;
      durations[i * n + j] = d;
    }
  }
  const depot = instance.nodes[0] as InstanceNode;
  const vehicles: Vehicle[] = Array.from({ length: instance.vehicles }, (_, v) => ({ id: `v${v + 1}`, start: 0, end: 0, shift: { start: depot.ready, end: depot.due }, capacity: [instance.capacity] }));
  const index = new Map(instance.nodes.map((node, i) => [node.id, i]));
  const stop = (i: number) => {
    const node = instance.nodes[i] as InstanceNode;
    return { place: i, service: node.service, window: { earliest: node.ready, latest: node.due } };
  };
  const jobs: Job[] = [];
  for (let i = 1; i < n; i += 1) {
    const node = instance.nodes[i] as InstanceNode;
    if (instance.format === 'solomon') jobs.push({ type: 'delivery', id: String(node.id), stop: stop(i), amount: [Math.max(0, node.demand)] });
    else if (node.delivery > 0) jobs.push({ type: 'shipment', id: String(node.id), pickup: stop(i), delivery: stop(index.get(node.delivery) as number), amount: [node.demand] });
  }
  return {
    places: n,
    matrices: { default: { durations, distances } },
    vehicles,
    jobs,
    objective: { cost: 'distance', minimiseVehicles: options.minimiseVehicles ?? instance.format === 'li-lim' },
  };
}

/** The routes of a plan as the file's node numbers in visiting order, the depot left out. */
export function instanceRoutes(instance: Instance, plan: { routes: ReadonlyArray<{ steps: ReadonlyArray<{ type: string; place?: number }> }> }): number[][] {
  return plan.routes
    .map((route) => route.steps.filter((step) => (step.type === 'pickup' || step.type === 'delivery') && step.place !== undefined).map((step) => (instance.nodes[step.place as number] as InstanceNode).id))
    .filter((route) => route.length > 0);
}

export interface BestKnown {
  /** Vehicles minimised first, then distance (the literature's usual objective). */
  vehiclesFirst?: { vehicles: number; distance: number };
  /** Distance only, vehicles unlimited. */
  distanceOnly?: { vehicles: number; distance: number };
}

/**
 * The best-known solutions file (`best-known.json`: family → instance → `vehicles_first` /
 * `distance_only` → `{vehicles, distance}`), keyed by lower-case instance name.
 */
export function parseBestKnown(json: string): Map<string, BestKnown> {
  const data = JSON.parse(json) as Record<string, Record<string, Record<string, { vehicles?: unknown; distance?: unknown }>>>;
  const known = new Map<string, BestKnown>();
  const read = (value: { vehicles?: unknown; distance?: unknown } | undefined) =>
    value && typeof value.vehicles === 'number' && typeof value.distance === 'number' ? { vehicles: value.vehicles, distance: value.distance } : undefined;
  for (const family of Object.values(data ?? {})) {
    if (typeof family !== 'object' || family === null) continue;
    for (const [name, entry] of Object.entries(family)) {
      if (typeof entry !== 'object' || entry === null) continue;
      const vehiclesFirst = read(entry.vehicles_first);
      const distanceOnly = read(entry.distance_only);
      known.set(name.toLowerCase(), { ...(vehiclesFirst ? { vehiclesFirst } : {}), ...(distanceOnly ? { distanceOnly } : {}) });
    }
  }
  return known;
}

/**
 * Routes in the text format of SINTEF's and the authors' solution files ("Route 1 : 5 3 7 …", one
 * route a line; other lines ignored).
 */
export function parseSolutionRoutes(text: string): number[][] {
  const routes: number[][] = [];
  for (const line of lines(text)) {
    const match = /^\s*Route\s*\d+\s*:\s*(.*)$/i.exec(line);
    if (!match) continue;
    const ids = (match[1] as string).trim().split(/\s+/).filter((token) => token !== '').map(Number);
    if (ids.some((id) => !Number.isInteger(id))) throw new InstanceFormatError(`a route line holds something else than node numbers: "${line.trim()}"`);
    if (ids.length > 0) routes.push(ids);
  }
  return routes;
}
