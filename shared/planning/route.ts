/**
 * One vehicle's route and its incremental evaluation (internal to `shared/planning/`).
 *
 * A route is the sequence of nodes between its start (position 0) and its end (position m + 1).
 * After every change `update()` recomputes, in O(m · dimensions), what makes an insertion check
 * O(1) (Savelsbergh 1992, "The vehicle routing problem with time windows: minimizing route
 * duration"; Kindervater & Savelsbergh 1997):
 * - `start[k]`: the earliest start of service at position k (arrive, wait if early);
 * - `latest[k]`: the latest start of service at k that keeps every later stop, break and the
 *   shift's end feasible (backward: min(window end, latest[k+1] − travel − service));
 * - `load[k]`: on board after k; `pmax`/`smax`: the largest load from the start of k's trip up to
 *   k, and from k to the end of its trip (a trip ends at a reload or at the route's end).
 * Inserting node u between positions p − 1 and p is then feasible iff service at u can start in
 * its window and the first stop after it (past any break, which keeps no place of its own) is
 * reached no later than its `latest`; the capacity test reads one prefix or suffix maximum. A
 * shipment's pickup and delivery are tried together: pickup before p, delivery after each later
 * position, propagating the pickup's delay forward and stopping as soon as a `latest` or the
 * capacity is passed (no later delivery position can then be feasible).
 *
 * Breaks have no place: they are taken where the courier is (the place of the stop before), so
 * `place[k]` is the effective place and `nextPlace[k]` the place of the next stop that has one.
 */
import { BREAK, DELIVERY, PICKUP, RELOAD, SINGLE_DELIVERY, SINGLE_PICKUP, type CompiledVehicle, type Model } from './model.js';

/** Slack for floating-point sums in window and capacity tests (the literature's data are doubles). */
export const EPSILON = 1e-9;

/** Skips each examined position with a small probability ("blinks", SISR's insertion noise). */
export class Blink {
  private left = 0;
  constructor(
    private readonly rate: number,
    private readonly next: () => number,
  ) {
    this.reset();
  }

  private reset(): void {
    // Positions until the next blink: geometric, drawn once instead of a draw per position.
    this.left = this.rate <= 0 ? Number.POSITIVE_INFINITY : 1 + Math.floor(Math.log(1 - this.next()) / Math.log(1 - this.rate));
  }

  skip(): boolean {
    this.left -= 1;
    if (this.left > 0) return false;
    this.reset();
    return true;
  }
}

/**
 * Work done by the evaluations (positions examined, route positions updated): a count that, unlike
 * a clock, is the same on every run with the same seed, and tracks the time an iteration takes
 * whatever the instance (the solver's budget is counted in it). Read as a difference within one
 * synchronous `solve` call.
 */
export const meter = { work: 0 };

/** The best insertion found: its cost and positions (delivery position `q` for a shipment, -1 otherwise). */
export interface Insertion {
  delta: number;
  route: number;
  p: number;
  q: number;
}

export class Route {
  /** Nodes between start and end. */
  m = 0;
  nodes: Int32Array;
  place: Int32Array;
  start: Float64Array;
  latest: Float64Array;
  nextPlace: Int32Array;
  load: Float64Array;
  pmax: Float64Array;
  smax: Float64Array;
  /** Travel cost (the objective's), distance and riding time over the whole route. */
  cost = 0;
  distance = 0;
  travel = 0;
  /** Job nodes on the route (0: unused). */
  jobNodes = 0;
  reloads = 0;
  /** Positions 1..fixedCount are the fixed prefix. */
  readonly fixedCount: number;
  feasible = true;
  /** After `update()`: the first position where a constraint is broken (-1: none). */
  violation = -1;
  /** Scratch for the pair insertion: the delivery's insertion cost after each position, and its minimum from there on. */
  deliveryCost: Float64Array;
  deliveryCostFrom: Float64Array;
  private readonly carried: Float64Array;
  private readonly delivered: Float64Array;
  private readonly picked: Float64Array;

  constructor(
    readonly model: Model,
    readonly vehicle: CompiledVehicle,
  ) {
    const size = 16;
    this.nodes = new Int32Array(size);
    this.place = new Int32Array(size);
    this.start = new Float64Array(size);
    this.latest = new Float64Array(size);
    this.nextPlace = new Int32Array(size);
    this.load = new Float64Array(size * model.dimensions);
    this.pmax = new Float64Array(size * model.dimensions);
    this.smax = new Float64Array(size * model.dimensions);
    this.deliveryCost = new Float64Array(size);
    this.deliveryCostFrom = new Float64Array(size);
    this.carried = new Float64Array(model.dimensions);
    this.delivered = new Float64Array(model.dimensions);
    this.picked = new Float64Array(model.dimensions);
    this.fixedCount = vehicle.fixed.length;
    const free = vehicle.breakNodes.filter((node) => model.fixed[node] === 0);
    this.setNodes([...vehicle.fixed, ...free]);
  }

  /** Replaces the nodes between start and end, and updates. */
  setNodes(inner: readonly number[]): boolean {
    this.reserve(inner.length);
    this.nodes[0] = this.vehicle.startNode;
    for (let i = 0; i < inner.length; i += 1) this.nodes[i + 1] = inner[i] as number;
    this.m = inner.length;
    this.nodes[this.m + 1] = this.vehicle.endNode;
    return this.update();
  }

  /** The nodes between start and end. */
  inner(): number[] {
    return Array.from(this.nodes.subarray(1, this.m + 1));
  }

  private reserve(m: number): void {
    const needed = m + 2;
    if (this.nodes.length >= needed) return;
    let size = this.nodes.length;
    while (size < needed) size *= 2;
    const D = this.model.dimensions;
    const grow = <T extends Int32Array | Float64Array>(array: T, factor: number): T => {
      const bigger = new (array.constructor as new (length: number) => T)(size * factor);
      bigger.set(array);
      return bigger;
    };
    this.nodes = grow(this.nodes, 1);
    this.place = grow(this.place, 1);
    this.start = grow(this.start, 1);
    this.latest = grow(this.latest, 1);
    this.nextPlace = grow(this.nextPlace, 1);
    this.load = grow(this.load, D);
    this.pmax = grow(this.pmax, D);
    this.smax = grow(this.smax, D);
    this.deliveryCost = grow(this.deliveryCost, 1);
    this.deliveryCostFrom = grow(this.deliveryCostFrom, 1);
  }

  /** Inserts a node before position p (1 ≤ p ≤ m + 1), without updating. */
  insertAt(p: number, node: number): void {
    this.reserve(this.m + 1);
    this.nodes.copyWithin(p + 1, p, this.m + 2);
    this.nodes[p] = node;
    this.m += 1;
  }

  /** Removes the node at position p (1 ≤ p ≤ m), without updating. */
  removeAt(p: number): void {
    this.nodes.copyWithin(p, p + 1, this.m + 2);
    this.m -= 1;
  }

  /** Keeps the inner nodes for which `keep` is true, without updating. */
  filter(keep: (node: number) => boolean): void {
    let w = 1;
    for (let k = 1; k <= this.m; k += 1) {
      const node = this.nodes[k] as number;
      if (keep(node)) this.nodes[w++] = node;
    }
    this.nodes[w] = this.vehicle.endNode;
    this.m = w - 1;
  }

  copyFrom(other: Route): void {
    this.reserve(other.m);
    const D = this.model.dimensions;
    const n = other.m + 2;
    this.m = other.m;
    this.nodes.set(other.nodes.subarray(0, n));
    this.place.set(other.place.subarray(0, n));
    this.start.set(other.start.subarray(0, n));
    this.latest.set(other.latest.subarray(0, n));
    this.nextPlace.set(other.nextPlace.subarray(0, n));
    this.load.set(other.load.subarray(0, n * D));
    this.pmax.set(other.pmax.subarray(0, n * D));
    this.smax.set(other.smax.subarray(0, n * D));
    this.cost = other.cost;
    this.distance = other.distance;
    this.travel = other.travel;
    this.jobNodes = other.jobNodes;
    this.reloads = other.reloads;
    this.feasible = other.feasible;
  }

  /** Recomputes times, latest starts, loads and costs; false if a constraint is broken. */
  update(): boolean {
    const M = this.model;
    const P = M.places;
    const D = M.dimensions;
    const m = this.m;
    const nodes = this.nodes;
    const place = this.place;
    const start = this.start;
    const latest = this.latest;
    const nextPlace = this.nextPlace;
    const kind = M.kind;
    const earliestOf = M.earliest;
    const latestOf = M.latest;
    const service = M.service;
    const durations = this.vehicle.durations;
    const costs = this.vehicle.costs;
    const distances = this.vehicle.distances;
    let feasible = true;
    this.violation = -1;

    // Forward: earliest service starts, costs.
    let pl = M.place[nodes[0] as number] as number;
    let s = earliestOf[nodes[0] as number] as number;
    place[0] = pl;
    start[0] = s;
    let cost = 0;
    let distance = 0;
    let travel = 0;
    let jobNodes = 0;
    let reloads = 0;
    for (let k = 1; k <= m + 1; k += 1) {
      const node = nodes[k] as number;
      let arrival = s + (service[nodes[k - 1] as number] as number);
      const nodeKind = kind[node] as number;
      if (nodeKind !== BREAK) {
        const next = M.place[node] as number;
        const arc = pl * P + next;
        arrival += durations[arc] as number;
        cost += costs[arc] as number;
        distance += distances[arc] as number;
        travel += durations[arc] as number;
        pl = next;
        if (nodeKind >= PICKUP && nodeKind <= SINGLE_DELIVERY) jobNodes += 1;
        else if (nodeKind === RELOAD) reloads += 1;
      }
      place[k] = pl;
      const open = earliestOf[node] as number;
      s = arrival > open ? arrival : open;
      if (s > (latestOf[node] as number) + EPSILON) {
        if (feasible) this.violation = k;
        feasible = false;
      }
      start[k] = s;
    }

    // Backward: latest starts, and the place of the next stop that has one.
    latest[m + 1] = latestOf[nodes[m + 1] as number] as number;
    nextPlace[m + 1] = place[m + 1] as number;
    for (let k = m; k >= 0; k -= 1) {
      const node = nodes[k] as number;
      const bound = (latest[k + 1] as number) - (durations[(place[k] as number) * P + (place[k + 1] as number)] as number) - (service[node] as number);
      const own = latestOf[node] as number;
      latest[k] = own < bound ? own : bound;
      nextPlace[k] = kind[node] === BREAK ? (nextPlace[k + 1] as number) : (place[k] as number);
    }

    // Loads, trip by trip.
    if (D === 1) feasible = this.updateLoads1() && feasible;
    else if (D > 1) feasible = this.updateLoads() && feasible;

    this.cost = cost;
    this.distance = distance;
    this.travel = travel;
    this.jobNodes = jobNodes;
    this.reloads = reloads;
    this.feasible = feasible;
    meter.work += m + 2;
    return feasible;
  }

  /** `updateLoads` for one dimension (the literature's instances): the same, with numbers for vectors. */
  private updateLoads1(): boolean {
    const kind = this.model.kind;
    const amount = this.model.amount;
    const m = this.m;
    const nodes = this.nodes;
    const load = this.load;
    const pmax = this.pmax;
    const smax = this.smax;
    const limit = (this.vehicle.capacity[0] as number) + EPSILON;
    let carried = 0;
    let feasible = true;
    let k = 0;
    for (;;) {
      let delivered = 0;
      let e = k + 1;
      while (e <= m) {
        const node = nodes[e] as number;
        const nodeKind = kind[node] as number;
        if (nodeKind === RELOAD) break;
        if (nodeKind === SINGLE_DELIVERY) delivered += amount[node] as number;
        e += 1;
      }
      let picked = 0;
      let value = carried + delivered;
      load[k] = value;
      pmax[k] = value;
      smax[k] = Number.NEGATIVE_INFINITY;
      if (value > limit) {
        if (feasible && (this.violation < 0 || k < this.violation)) this.violation = k;
        feasible = false;
      }
      let most = value;
      for (let j = k + 1; j < e; j += 1) {
        const node = nodes[j] as number;
        const nodeKind = kind[node] as number;
        const a = amount[node] as number;
        if (nodeKind === PICKUP) carried += a;
        else if (nodeKind === DELIVERY) carried -= a;
        else if (nodeKind === SINGLE_DELIVERY) delivered -= a;
        else if (nodeKind === SINGLE_PICKUP) picked += a;
        value = carried + delivered + picked;
        load[j] = value;
        if (value > most) most = value;
        pmax[j] = most;
        if (value > limit) {
          if (feasible && (this.violation < 0 || j < this.violation)) this.violation = j;
          feasible = false;
        }
      }
      let after = Number.NEGATIVE_INFINITY;
      for (let j = e - 1; j > k; j -= 1) {
        const here = load[j] as number;
        if (here > after) after = here;
        smax[j] = after;
      }
      if (e > m) {
        load[e] = carried;
        pmax[e] = carried;
        smax[e] = Number.NEGATIVE_INFINITY;
        return feasible;
      }
      k = e;
    }
  }

  private updateLoads(): boolean {
    const M = this.model;
    const D = M.dimensions;
    const m = this.m;
    const nodes = this.nodes;
    const kind = M.kind;
    const amount = M.amount;
    const load = this.load;
    const pmax = this.pmax;
    const smax = this.smax;
    const capacity = this.vehicle.capacity;
    const carried = this.carried;
    const delivered = this.delivered;
    const picked = this.picked;
    carried.fill(0);
    let feasible = true;
    let k = 0;
    for (;;) {
      // k starts a trip (the start or a reload): what the trip delivers is loaded here.
      delivered.fill(0);
      let e = k + 1;
      while (e <= m && kind[nodes[e] as number] !== RELOAD) {
        if (kind[nodes[e] as number] === SINGLE_DELIVERY) {
          const node = nodes[e] as number;
          for (let d = 0; d < D; d += 1) delivered[d] = (delivered[d] as number) + (amount[node * D + d] as number);
        }
        e += 1;
      }
      picked.fill(0);
      for (let d = 0; d < D; d += 1) {
        const value = (carried[d] as number) + (delivered[d] as number);
        load[k * D + d] = value;
        pmax[k * D + d] = value;
        smax[k * D + d] = Number.NEGATIVE_INFINITY;
        if (value > (capacity[d] as number) + EPSILON) {
          if (feasible && (this.violation < 0 || k < this.violation)) this.violation = k;
          feasible = false;
        }
      }
      for (let j = k + 1; j < e; j += 1) {
        const node = nodes[j] as number;
        const nodeKind = kind[node] as number;
        for (let d = 0; d < D; d += 1) {
          const a = amount[node * D + d] as number;
          if (nodeKind === PICKUP) carried[d] = (carried[d] as number) + a;
          else if (nodeKind === DELIVERY) carried[d] = (carried[d] as number) - a;
          else if (nodeKind === SINGLE_DELIVERY) delivered[d] = (delivered[d] as number) - a;
          else if (nodeKind === SINGLE_PICKUP) picked[d] = (picked[d] as number) + a;
          const value = (carried[d] as number) + (delivered[d] as number) + (picked[d] as number);
          load[j * D + d] = value;
          const before = pmax[(j - 1) * D + d] as number;
          pmax[j * D + d] = value > before ? value : before;
          if (value > (capacity[d] as number) + EPSILON) {
            if (feasible && (this.violation < 0 || j < this.violation)) this.violation = j;
            feasible = false;
          }
        }
      }
      for (let j = e - 1; j > k; j -= 1) {
        for (let d = 0; d < D; d += 1) {
          const value = load[j * D + d] as number;
          const after = j + 1 < e ? (smax[(j + 1) * D + d] as number) : Number.NEGATIVE_INFINITY;
          smax[j * D + d] = value > after ? value : after;
        }
      }
      if (e > m) {
        // The end: collections are unloaded there; shipments should all be delivered.
        for (let d = 0; d < D; d += 1) {
          load[e * D + d] = carried[d] as number;
          pmax[e * D + d] = carried[d] as number;
          smax[e * D + d] = Number.NEGATIVE_INFINITY;
        }
        return feasible;
      }
      k = e;
    }
  }

  /** Whether node kind is a job stop. */
  static isJob(kind: number): boolean {
    return kind >= PICKUP && kind <= SINGLE_DELIVERY;
  }
}

/**
 * The cheapest feasible insertion of a single stop (a single pickup or delivery, or the delivery
 * of a shipment whose pickup is fixed on this route, `after` being its position) costing less
 * than `threshold`; writes it to `out` and returns true if there is one.
 */
export function bestSingleInsertion(route: Route, u: number, threshold: number, blink: Blink | null, out: Insertion, after = -1): boolean {
  const M = route.model;
  const P = M.places;
  const D = M.dimensions;
  const durations = route.vehicle.durations;
  const costs = route.vehicle.costs;
  const capacity = route.vehicle.capacity;
  const nodes = route.nodes;
  const place = route.place;
  const start = route.start;
  const latest = route.latest;
  const nextPlace = route.nextPlace;
  const load = route.load;
  const pmax = route.pmax;
  const smax = route.smax;
  const kind = M.kind;
  const earliestOf = M.earliest;
  const latestOf = M.latest;
  const service = M.service;
  const amount = M.amount;
  const uPlace = M.place[u] as number;
  const uOpen = earliestOf[u] as number;
  const uClose = latestOf[u] as number;
  const uService = service[u] as number;
  const uKind = kind[u] as number;
  // A delivery whose pickup is on the route already counts on board up to the end (see Solution): no capacity test.
  const capacityMode = after >= 0 ? 0 : uKind === SINGLE_DELIVERY ? 1 : 2;
  const m = route.m;
  let best = threshold;
  let found = false;
  const first = Math.max(route.fixedCount, after) + 1;
  let p = first;
  for (; p <= m + 1; p += 1) {
    const prev = p - 1;
    const prevPlace = place[prev] as number;
    const departure = (start[prev] as number) + (service[nodes[prev] as number] as number);
    if (departure > uClose) break;
    const nextP = nextPlace[p] as number;
    const delta = (costs[prevPlace * P + uPlace] as number) + (costs[uPlace * P + nextP] as number) - (costs[prevPlace * P + nextP] as number);
    if (delta >= best) continue;
    if (blink !== null && blink.skip()) continue;
    if (capacityMode === 1) {
      let fits = true;
      for (let d = 0; d < D; d += 1) {
        if ((pmax[prev * D + d] as number) + (amount[u * D + d] as number) > (capacity[d] as number) + EPSILON) {
          fits = false;
          break;
        }
      }
      if (!fits) continue;
    } else if (capacityMode === 2) {
      let fits = true;
      for (let d = 0; d < D; d += 1) {
        const a = amount[u * D + d] as number;
        const limit = (capacity[d] as number) + EPSILON;
        if ((load[prev * D + d] as number) + a > limit || (smax[p * D + d] as number) + a > limit) {
          fits = false;
          break;
        }
      }
      if (!fits) continue;
    }
    let s = departure + (durations[prevPlace * P + uPlace] as number);
    if (s < uOpen) s = uOpen;
    if (s > uClose) continue;
    let t = s + uService;
    let k = p;
    let ok = true;
    while (kind[nodes[k] as number] === BREAK) {
      const b = nodes[k] as number;
      let sb = earliestOf[b] as number;
      if (t > sb) sb = t;
      if (sb > (latestOf[b] as number)) {
        ok = false;
        break;
      }
      t = sb + (service[b] as number);
      k += 1;
    }
    if (!ok) continue;
    if (t + (durations[uPlace * P + (place[k] as number)] as number) > (latest[k] as number)) continue;
    best = delta;
    out.p = p;
    out.q = -1;
    found = true;
  }
  meter.work += p - first + 1;
  if (found) out.delta = best;
  return found;
}

/** Whether node u (a reload) can be inserted before position p as far as time goes (capacity not counted). */
export function fitsInTimeAt(route: Route, u: number, p: number): boolean {
  const M = route.model;
  const P = M.places;
  const durations = route.vehicle.durations;
  const nodes = route.nodes;
  const kind = M.kind;
  const earliestOf = M.earliest;
  const latestOf = M.latest;
  const service = M.service;
  const prev = p - 1;
  const uPlace = M.place[u] as number;
  let s = (route.start[prev] as number) + (service[nodes[prev] as number] as number) + (durations[(route.place[prev] as number) * P + uPlace] as number);
  if (s < (earliestOf[u] as number)) s = earliestOf[u] as number;
  if (s > (latestOf[u] as number)) return false;
  let t = s + (service[u] as number);
  let k = p;
  while (kind[nodes[k] as number] === BREAK) {
    const b = nodes[k] as number;
    let sb = earliestOf[b] as number;
    if (t > sb) sb = t;
    if (sb > (latestOf[b] as number)) return false;
    t = sb + (service[b] as number);
    k += 1;
  }
  return t + (durations[uPlace * P + (route.place[k] as number)] as number) <= (route.latest[k] as number);
}

/**
 * The cheapest feasible insertion of a shipment (pickup u, delivery w) costing less than
 * `threshold`: pickup before position p, delivery before position q ≥ p (positions of the route
 * before the insertion). Writes it to `out`, returns true if there is one.
 */
export function bestPairInsertion(route: Route, u: number, w: number, threshold: number, blink: Blink | null, out: Insertion): boolean {
  const M = route.model;
  const P = M.places;
  const D = M.dimensions;
  const durations = route.vehicle.durations;
  const costs = route.vehicle.costs;
  const capacity = route.vehicle.capacity;
  const nodes = route.nodes;
  const place = route.place;
  const start = route.start;
  const latest = route.latest;
  const nextPlace = route.nextPlace;
  const load = route.load;
  const kind = M.kind;
  const earliestOf = M.earliest;
  const latestOf = M.latest;
  const service = M.service;
  const amount = M.amount;
  const metric = M.metric;
  const uPlace = M.place[u] as number;
  const wPlace = M.place[w] as number;
  const uOpen = earliestOf[u] as number;
  const uClose = latestOf[u] as number;
  const wOpen = earliestOf[w] as number;
  const wClose = latestOf[w] as number;
  const uService = service[u] as number;
  const wService = service[w] as number;
  const uw = costs[uPlace * P + wPlace] as number;
  const uwTime = durations[uPlace * P + wPlace] as number;
  const m = route.m;
  let best = threshold;
  let found = false;
  // What the delivery costs after each old position k (once a stop with a place is between the
  // two), and the least of it from k on: a bound that drops whole ranges of delivery positions.
  const deliveryCost = route.deliveryCost;
  const deliveryCostFrom = route.deliveryCostFrom;
  deliveryCostFrom[m + 1] = Number.POSITIVE_INFINITY;
  for (let k = m; k > route.fixedCount; k -= 1) {
    const kPlace = place[k] as number;
    const nextQ = nextPlace[k + 1] as number;
    const cost = (costs[kPlace * P + wPlace] as number) + (costs[wPlace * P + nextQ] as number) - (costs[kPlace * P + nextQ] as number);
    deliveryCost[k] = cost;
    const after = deliveryCostFrom[k + 1] as number;
    deliveryCostFrom[k] = cost < after ? cost : after;
  }
  let steps = m - route.fixedCount;
  for (let p = route.fixedCount + 1; p <= m + 1; p += 1) {
    steps += 1;
    const prev = p - 1;
    const prevPlace = place[prev] as number;
    const departure = (start[prev] as number) + (service[nodes[prev] as number] as number);
    if (departure > uClose) break;
    let fits = true;
    for (let d = 0; d < D; d += 1) {
      if ((load[prev * D + d] as number) + (amount[u * D + d] as number) > (capacity[d] as number) + EPSILON) {
        fits = false;
        break;
      }
    }
    if (!fits) continue;
    const nextP = nextPlace[p] as number;
    const prevToU = costs[prevPlace * P + uPlace] as number;
    const prevToNext = costs[prevPlace * P + nextP] as number;
    const pickupDelta = prevToU + (costs[uPlace * P + nextP] as number) - prevToNext;
    if (metric && pickupDelta >= best) continue;
    let su = departure + (durations[prevPlace * P + uPlace] as number);
    if (su < uOpen) su = uOpen;
    if (su > uClose) continue;
    const tu = su + uService;

    // Delivery right after the pickup (with any break between them and the next stop after).
    {
      const delta = prevToU + uw + (costs[wPlace * P + nextP] as number) - prevToNext;
      if (delta < best && (blink === null || !blink.skip())) {
        let sw = tu + uwTime;
        if (sw < wOpen) sw = wOpen;
        if (sw <= wClose) {
          let t = sw + wService;
          let k = p;
          let ok = true;
          while (kind[nodes[k] as number] === BREAK) {
            const b = nodes[k] as number;
            let sb = earliestOf[b] as number;
            if (t > sb) sb = t;
            if (sb > (latestOf[b] as number)) {
              ok = false;
              break;
            }
            t = sb + (service[b] as number);
            k += 1;
          }
          if (ok && t + (durations[wPlace * P + (place[k] as number)] as number) <= (latest[k] as number)) {
            best = delta;
            out.p = p;
            out.q = p;
            found = true;
          }
        }
      }
    }

    // Delivery after the old stops p..k: push the pickup's delay forward, until no later
    // position can be cheaper than the best found.
    if (kind[nodes[p] as number] !== BREAK && pickupDelta + (deliveryCostFrom[p] as number) >= best) continue;
    let t = tu;
    let current = uPlace;
    let realSeen = false;
    for (let k = p; k <= m; k += 1) {
      if (realSeen && pickupDelta + (deliveryCostFrom[k] as number) >= best) break;
      steps += 1;
      const node = nodes[k] as number;
      if (kind[node] === BREAK) {
        let sb = earliestOf[node] as number;
        if (t > sb) sb = t;
        if (sb > (latestOf[node] as number)) break;
        t = sb + (service[node] as number);
      } else {
        const kPlace = place[k] as number;
        const arrival = t + (durations[current * P + kPlace] as number);
        if (arrival > (latest[k] as number)) break;
        const open = earliestOf[node] as number;
        t = (arrival > open ? arrival : open) + (service[node] as number);
        current = kPlace;
        realSeen = true;
      }
      let fitsHere = true;
      for (let d = 0; d < D; d += 1) {
        if ((load[k * D + d] as number) + (amount[u * D + d] as number) > (capacity[d] as number) + EPSILON) {
          fitsHere = false;
          break;
        }
      }
      if (!fitsHere) break;
      if (t > wClose) break;
      const nextQ = nextPlace[k + 1] as number;
      const delta = realSeen ? pickupDelta + (deliveryCost[k] as number) : prevToU + uw + (costs[wPlace * P + nextQ] as number) - prevToNext;
      if (delta >= best) continue;
      if (blink !== null && blink.skip()) continue;
      let sw = t + (durations[current * P + wPlace] as number);
      if (sw < wOpen) sw = wOpen;
      if (sw > wClose) continue;
      let tw = sw + wService;
      let kk = k + 1;
      let ok = true;
      while (kind[nodes[kk] as number] === BREAK) {
        const b = nodes[kk] as number;
        let sb = earliestOf[b] as number;
        if (tw > sb) sb = tw;
        if (sb > (latestOf[b] as number)) {
          ok = false;
          break;
        }
        tw = sb + (service[b] as number);
        kk += 1;
      }
      if (!ok) continue;
      if (tw + (durations[wPlace * P + (place[kk] as number)] as number) > (latest[kk] as number)) continue;
      best = delta;
      out.p = p;
      out.q = k + 1;
      found = true;
    }
  }
  meter.work += steps;
  if (found) out.delta = best;
  return found;
}

