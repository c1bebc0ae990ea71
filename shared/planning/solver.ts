/**
 * The hub's route planner (issue 17): pure TypeScript, no I/O, no clock or randomness of its own.
 * docs/planning.md explains the model, the technique and how to read a plan.
 *
 * ## Technique
 * 1. **Construction: regret-2 insertion** (Potvin & Rousseau 1993; Ropke & Pisinger 2006). Every
 *    job's cheapest feasible insertion is known for every route; the job inserted next is the one
 *    with the largest regret (the cost of its second-best route minus its best), so jobs with few
 *    good options are placed before the easy ones take their room.
 * 2. **Improvement: SISR**, "Slack Induction by String Removals" (Christiaens & Vanden Berghe,
 *    Transportation Science 54(2), 2020), a ruin-and-recreate search (Schrimpf et al. 2000):
 *    - ruin: from a random seed stop, walk its nearest neighbours and cut, from each of a few
 *      routes they are on, a short string of consecutive stops around the neighbour (sometimes a
 *      "split string" that keeps a piece of its middle); the removed stops are close to each
 *      other, which creates slack in a region of the map. Now and then (2 %) a whole small route
 *      goes too (the route removal of adaptive large neighbourhood searches, Pisinger & Ropke
 *      2007), which lets the search drop a route a string at a time could not empty;
 *    - recreate: put the removed jobs back one at a time, in a random order among "random",
 *      "largest load first", "farthest from the hub first", "closest first" and "tightest
 *      window first", each at its cheapest feasible place, skipping each examined place with
 *      probability 1 % ("blinks", which break ties and diversify);
 *    - accept by simulated annealing: the new cost c' replaces the current c when
 *      c' < c − T·ln(U), U uniform in (0, 1], the temperature T falling geometrically from T₀ to
 *      T_f over the budget (T₀ and T_f are multiples of the initial plan's average arc cost, so the
 *      schedule does not depend on the unit of the matrices). A job left out counts as a penalty
 *      (a multiple of the cost of serving it alone) that adapts, as hybrid genetic search's
 *      penalties do (Vidal et al. 2012), so that about one iteration in twenty holds a plan that
 *      leaves a job out: a fixed fleet's search goes from one tight plan to a better one through
 *      such plans, while the best plan kept is always the one that serves the most jobs.
 *    Shipments are removed and reinserted as a pair (pickup, then delivery later on the same
 *    route), which is how SISR handles the pickup-and-delivery problem.
 * 3. **Fewer vehicles** (when `objective.minimiseVehicles`, the literature's objective): SISR's
 *    fleet minimisation. Take the best plan, close its smallest route, and run ruin-and-recreate
 *    without opening routes; every iteration each job left out gains one "absence"; a candidate
 *    is accepted when it leaves fewer jobs out, or jobs with a smaller total of absences (the
 *    search learns which jobs are hard to place and makes room for them). When every job is
 *    placed again, the plan has one vehicle fewer; close another route. The phase ends at 40 % of
 *    the budget, or when no route has closed for 15 % of it; then the distance phase runs with
 *    that many vehicles at most.
 * 4. **Multi-trip**: a job that fits nowhere is tried again with a reload visit inserted in a
 *    route (every position of the reload where it fits in time, then every position of the job);
 *    reloads that are no longer needed are dropped after each recreate.
 *
 * Every insertion is checked exactly (capacity after each stop in every dimension, windows,
 * breaks, shift end, pickup before delivery) in O(1) per position, with the forward earliest
 * starts and backward latest starts kept per route (see `route.ts`): the search only ever holds
 * feasible routes, so a plan it returns is feasible. `check.ts` checks plans independently.
 *
 * ## Determinism
 * The only randomness is a seeded generator (`random.ts`), and the search is laid out over a
 * budget that does not depend on the clock: `iterations` when given, else work units (positions
 * examined and updated, `meter`) derived from the time limit at a fixed pace (WORK_PER_MS). Equal
 * seeds and equal iteration budgets (or equal time limits) give equal plans. The time limit is
 * only an upper bound: on a machine too slow (or too busy) to spend the budget in time, the
 * clock takes over the schedule (`stats.clockBound`) and the plan then depends on the machine.
 */
import { BREAK, DELIVERY, END, PICKUP, RELOAD, SINGLE_DELIVERY, SINGLE_PICKUP, START, compile, type CompiledVehicle, type Model } from './model.js';
import type { Plan, PlannedRoute, Problem, SearchStats, Step, UnassignedJob, UnassignedReason } from './problem.js';
import { Random } from './random.js';
import { Blink, bestPairInsertion, bestSingleInsertion, fitsInTimeAt, meter, Route, type Insertion } from './route.js';

export interface SearchParameters {
  /** SISR's c̄: jobs removed per ruin on average (10). */
  averageRemoved: number;
  /** SISR's L_max: the longest string (10). */
  maxStringLength: number;
  /** Probability of a split string (0.5), and of growing its kept part by one more stop (0.01). */
  splitRate: number;
  splitDepth: number;
  /** Probability of skipping an examined position during recreate (0.01). */
  blinkRate: number;
  /** Start and end temperatures, as fractions of the initial plan's average arc cost. */
  startTemperature: number;
  endTemperature: number;
  /** Probability that a ruin also removes a whole route (the smaller of two drawn). */
  routeRemoval: number;
  /** Share of the budget for fleet minimisation, when vehicles are minimised, and (a share of the budget too) how long it goes on without closing a route. */
  fleetShare: number;
  fleetPatience: number;
  /** What leaving a job out costs the annealing at first, in multiples of the cost of serving it alone (then adapted). */
  leftOutPenalty: number;
  /** The share of iterations the penalty aims at for plans leaving jobs out. */
  leftOutShare: number;
}

export const DEFAULT_PARAMETERS: SearchParameters = {
  averageRemoved: 10,
  maxStringLength: 10,
  splitRate: 0.5,
  splitDepth: 0.01,
  blinkRate: 0.01,
  startTemperature: 2,
  endTemperature: 0.01,
  routeRemoval: 0.02,
  fleetShare: 0.4,
  fleetPatience: 0.15,
  leftOutPenalty: 2,
  leftOutShare: 0.05,
};

export interface SolveOptions {
  /** Seed of the generator (default 1). */
  seed?: number;
  /** Ruin-and-recreate iterations (all phases). Default: calibrated from `timeLimitMs`, else 20,000. */
  iterations?: number;
  /** An upper bound on the search's duration; needs `now`. */
  timeLimitMs?: number;
  /**
   * The time the budget (in work units) is laid out for, when no `iterations` are given (default:
   * `timeLimitMs`). A caller whose limit counts from an earlier start (a process's) passes the
   * limit it was given here, so that the budget, and the plan, do not depend on how long the
   * start took.
   */
  budgetMs?: number;
  /** A clock in milliseconds (e.g. `performance.now`), only read to enforce the time limit and report times. */
  now?: () => number;
  /** Called with each new best plan's figures (progress reports). */
  onImprove?: (progress: { iteration: number; served: number; vehicles: number; cost: number; elapsedMs: number }) => void;
  parameters?: Partial<SearchParameters>;
  /**
   * Routes to start from (a former plan, when re-planning: the search starts where it was, and
   * only moves stops when that is better), as the steps of `Plan.routes`: each route is kept as
   * it is when it is feasible, left out otherwise; the jobs it leaves are then placed.
   */
  initial?: ReadonlyArray<{ vehicle: string; steps: ReadonlyArray<{ type: string; job?: string; break?: string }> }>;
}

/** A plan under construction: one route per vehicle. */
class Solution {
  readonly routes: Route[];
  readonly nodeRoute: Int32Array;
  readonly nodePos: Int32Array;
  /** Per job: 1 when on a route. */
  readonly assigned: Uint8Array;
  unassigned = 0;
  cost = 0;
  used = 0;

  constructor(readonly model: Model) {
    this.routes = model.vehicles.map((vehicle) => new Route(model, vehicle));
    this.nodeRoute = new Int32Array(model.nodes).fill(-1);
    this.nodePos = new Int32Array(model.nodes).fill(-1);
    this.assigned = new Uint8Array(model.jobs.length);
    for (let r = 0; r < this.routes.length; r += 1) this.index(r);
    for (let j = 0; j < model.jobs.length; j += 1) {
      this.assigned[j] = model.jobFixed[j] === 1 ? 1 : 0;
      // A shipment whose pickup is fixed counts as served once its delivery is planned.
      if (model.jobFixed[j] !== 1) this.unassigned += 1;
    }
    this.totals();
  }

  static used(route: Route): boolean {
    return route.jobNodes > 0 || route.fixedCount > 0;
  }

  index(r: number): void {
    const route = this.routes[r] as Route;
    const nodes = route.nodes;
    for (let k = 0; k <= route.m + 1; k += 1) {
      const node = nodes[k] as number;
      this.nodeRoute[node] = r;
      this.nodePos[node] = k;
    }
  }

  refresh(r: number): boolean {
    const feasible = (this.routes[r] as Route).update();
    this.index(r);
    return feasible;
  }

  totals(): void {
    let cost = 0;
    let used = 0;
    for (const route of this.routes) {
      if (Solution.used(route)) {
        cost += route.cost;
        used += 1;
      }
    }
    this.cost = cost;
    this.used = used;
  }

  /** Makes route r a copy of `from`'s. */
  copyRoute(from: Solution, r: number): void {
    const mine = this.routes[r] as Route;
    for (let k = 1; k <= mine.m; k += 1) {
      const node = mine.nodes[k] as number;
      // Unless another route, copied before this one, holds it now.
      if (this.nodeRoute[node] === r) this.nodeRoute[node] = -1;
    }
    mine.copyFrom(from.routes[r] as Route);
    this.index(r);
  }

  copyJobs(from: Solution): void {
    this.assigned.set(from.assigned);
    this.unassigned = from.unassigned;
    this.cost = from.cost;
    this.used = from.used;
  }

  copyAll(from: Solution): void {
    for (let r = 0; r < this.routes.length; r += 1) this.copyRoute(from, r);
    this.copyJobs(from);
  }
}

interface Progress {
  iteration: number;
  atMs: number;
}

/** The search (one per `solve` call). */
class Search {
  readonly model: Model;
  readonly params: SearchParameters;
  readonly random: Random;
  readonly blink: Blink;
  readonly V: number;
  readonly J: number;
  /** Jobs that no vehicle can serve, even alone, with the reason. */
  readonly hopeless = new Map<number, UnassignedReason>();
  /** Recreate orders: keys per job. */
  readonly demandKey: Float64Array;
  readonly farKey: Float64Array;
  readonly windowKey: Float64Array;
  readonly insertion: Insertion = { delta: 0, route: -1, p: -1, q: -1 };
  readonly scratchInsertion: Insertion = { delta: 0, route: -1, p: -1, q: -1 };
  readonly touched: Uint8Array;
  readonly touchedList: number[] = [];
  readonly classStamp: Int32Array;
  stamp = 0;
  readonly removeMark: Uint8Array;
  readonly positions: Int32Array;
  readonly pending: Int32Array;
  readonly ruined: Uint8Array;
  /** Per route, a scratch route for the reload fallback. */
  readonly scratch: Route[];
  /** Route limit (vehicles minimised). */
  maxRoutes: number;
  iteration = 0;

  constructor(
    model: Model,
    params: SearchParameters,
    seed: number,
  ) {
    this.model = model;
    this.params = params;
    this.random = new Random(seed);
    this.blink = new Blink(params.blinkRate, () => this.random.next());
    this.V = model.vehicles.length;
    this.J = model.jobs.length;
    this.maxRoutes = this.V;
    this.touched = new Uint8Array(this.V);
    this.classStamp = new Int32Array(Math.max(1, ...model.vehicles.map((vehicle) => vehicle.classId + 1)));
    this.removeMark = new Uint8Array(model.nodes);
    this.positions = new Int32Array(model.nodes + 2);
    this.pending = new Int32Array(this.J);
    this.ruined = new Uint8Array(this.V);
    this.scratch = model.vehicles.map((vehicle) => new Route(model, vehicle));
    const D = model.dimensions;
    const meanCapacity = new Float64Array(D);
    for (const vehicle of model.vehicles) for (let d = 0; d < D; d += 1) meanCapacity[d] = (meanCapacity[d] as number) + (vehicle.capacity[d] as number) / Math.max(1, this.V);
    this.demandKey = new Float64Array(this.J);
    this.farKey = new Float64Array(this.J);
    this.windowKey = new Float64Array(this.J);
    for (let j = 0; j < this.J; j += 1) {
      const first = model.jobFirst[j] as number;
      const second = model.jobSecond[j] as number;
      let demand = 0;
      for (let d = 0; d < D; d += 1) demand += (model.amount[first * D + d] as number) / Math.max(1e-9, meanCapacity[d] as number);
      this.demandKey[j] = demand;
      this.farKey[j] = Math.max(model.hubCost[first] as number, second >= 0 ? (model.hubCost[second] as number) : 0);
      const width = (node: number) => (model.latest[node] as number) - (model.earliest[node] as number);
      this.windowKey[j] = Math.min(width(first), second >= 0 ? width(second) : Infinity);
    }
    const demandKey = this.demandKey;
    const farKey = this.farKey;
    const windowKey = this.windowKey;
    this.byDemand = (a, b) => (demandKey[b] as number) - (demandKey[a] as number);
    this.byFar = (a, b) => (farKey[b] as number) - (farKey[a] as number);
    this.byClose = (a, b) => (farKey[a] as number) - (farKey[b] as number);
    this.byWindow = (a, b) => (windowKey[a] as number) - (windowKey[b] as number);
    this.reloadsPossible = model.vehicles.some((vehicle) => vehicle.reloadNodes.length > 0);
    this.soloCost = new Float64Array(this.J).fill(Infinity);
  }

  readonly byDemand: (a: number, b: number) => number;
  readonly byFar: (a: number, b: number) => number;
  readonly byClose: (a: number, b: number) => number;
  readonly byWindow: (a: number, b: number) => number;
  readonly reloadsPossible: boolean;
  readonly ruinedList: number[] = [];
  /** Per job, the cost of serving it alone (its cheapest route with nothing else): the scale of its penalty when left out. */
  readonly soloCost: Float64Array;

  touch(r: number): void {
    if (this.touched[r] === 0) {
      this.touched[r] = 1;
      this.touchedList.push(r);
    }
  }

  clearTouched(): void {
    for (const r of this.touchedList) this.touched[r] = 0;
    this.touchedList.length = 0;
  }

  /** Whether job j is a shipment whose pickup is fixed (only its delivery moves). */
  partial(j: number): boolean {
    return this.model.jobVehicle[j] as number >= 0 && this.model.jobFixed[j] === 0 && this.model.fixed[this.model.jobFirst[j] as number] === 1;
  }

  /** The cheapest insertion of job j into route r below `threshold` (an unused route costs its whole cost). */
  evaluate(solution: Solution, j: number, r: number, threshold: number, blink: Blink | null, out: Insertion): boolean {
    const route = solution.routes[r] as Route;
    const base = Solution.used(route) ? 0 : route.cost;
    const model = this.model;
    const first = model.jobFirst[j] as number;
    const second = model.jobSecond[j] as number;
    let found: boolean;
    if (this.partial(j)) found = bestSingleInsertion(route, second, threshold - base, blink, out, solution.nodePos[first] as number);
    else if (second >= 0) found = bestPairInsertion(route, first, second, threshold - base, blink, out);
    else found = bestSingleInsertion(route, first, threshold - base, blink, out);
    if (found) {
      out.delta += base;
      out.route = r;
    }
    return found;
  }

  apply(solution: Solution, j: number, insertion: Insertion): void {
    const model = this.model;
    const route = solution.routes[insertion.route] as Route;
    const first = model.jobFirst[j] as number;
    const second = model.jobSecond[j] as number;
    if (this.partial(j)) route.insertAt(insertion.p, second);
    else if (second >= 0) {
      route.insertAt(insertion.q, second);
      route.insertAt(insertion.p, first);
    } else route.insertAt(insertion.p, first);
    const feasible = solution.refresh(insertion.route);
    solution.assigned[j] = 1;
    solution.unassigned -= 1;
    this.touch(insertion.route);
    // The insertion tests are exact; should one ever disagree with the route's own evaluation
    // (floating-point slack), the route gives up jobs rather than hold a broken plan.
    if (!feasible) this.repair(solution, insertion.route);
  }

  /** Best insertion of job j over all routes (one unused route per class of vehicles), below `threshold`. */
  bestInsertion(solution: Solution, j: number, blink: Blink | null, out: Insertion): boolean {
    const model = this.model;
    let best = Infinity;
    let found = false;
    const probe = this.scratchInsertion;
    if (this.partial(j)) {
      const r = model.jobVehicle[j] as number;
      if (this.evaluate(solution, j, r, best, blink, probe)) {
        out.delta = probe.delta;
        out.route = r;
        out.p = probe.p;
        out.q = probe.q;
        return true;
      }
      return false;
    }
    this.stamp += 1;
    const canOpen = solution.used < this.maxRoutes;
    const V = this.V;
    for (let r = 0; r < V; r += 1) {
      if (model.compatible[j * V + r] === 0) continue;
      const route = solution.routes[r] as Route;
      if (!Solution.used(route)) {
        if (!canOpen) continue;
        const classId = route.vehicle.classId;
        if (this.classStamp[classId] === this.stamp) continue;
        this.classStamp[classId] = this.stamp;
      }
      if (this.evaluate(solution, j, r, best, blink, probe)) {
        best = probe.delta;
        out.delta = probe.delta;
        out.route = r;
        out.p = probe.p;
        out.q = probe.q;
        found = true;
      }
    }
    return found;
  }

  /**
   * Multi-trip fallback: job j with a reload inserted in a used route that has one left. Tries
   * every reload position and, for each, the job's cheapest position; applies the best.
   */
  insertWithReload(solution: Solution, j: number): boolean {
    const model = this.model;
    if (this.partial(j)) return false;
    const V = this.V;
    let best = Infinity;
    let bestRoute = -1;
    let bestX = -1;
    let bestReload = -1;
    let bestP = -1;
    let bestQ = -1;
    const probe = this.scratchInsertion;
    for (let r = 0; r < V; r += 1) {
      if (model.compatible[j * V + r] === 0) continue;
      const route = solution.routes[r] as Route;
      const vehicle = route.vehicle;
      if (vehicle.reloadNodes.length === 0 || !Solution.used(route)) continue;
      let reload = -1;
      for (const node of vehicle.reloadNodes) {
        if (solution.nodeRoute[node] === -1) {
          reload = node;
          break;
        }
      }
      if (reload < 0) continue;
      const first = model.jobFirst[j] as number;
      const second = model.jobSecond[j] as number;
      const scratch = this.scratch[r] as Route;
      for (let x = route.fixedCount + 1; x <= route.m + 1; x += 1) {
        const before = model.kind[route.nodes[x - 1] as number];
        const after = model.kind[route.nodes[x] as number];
        if (before === RELOAD || after === RELOAD || !fitsInTimeAt(route, reload, x)) continue;
        scratch.copyFrom(route);
        scratch.insertAt(x, reload);
        if (!scratch.update()) continue;
        const base = scratch.cost - route.cost;
        if (base >= best) continue;
        const found = second >= 0 ? bestPairInsertion(scratch, first, second, best - base, null, probe) : bestSingleInsertion(scratch, first, best - base, null, probe);
        if (found) {
          best = probe.delta + base;
          bestRoute = r;
          bestX = x;
          bestReload = reload;
          bestP = probe.p;
          bestQ = probe.q;
        }
      }
    }
    if (bestRoute < 0) return false;
    const route = solution.routes[bestRoute] as Route;
    route.insertAt(bestX, bestReload);
    route.update();
    this.apply(solution, j, { delta: best, route: bestRoute, p: bestP, q: bestQ });
    return true;
  }

  /** Drops the reloads a route can do without (feasible, not dearer without them). */
  dropUselessReloads(solution: Solution, r: number): void {
    const route = solution.routes[r] as Route;
    if (route.reloads === 0) return;
    const model = this.model;
    const scratch = this.scratch[r] as Route;
    for (let k = route.m; k > route.fixedCount; k -= 1) {
      if (model.kind[route.nodes[k] as number] !== RELOAD) continue;
      scratch.copyFrom(route);
      scratch.removeAt(k);
      if (scratch.update() && scratch.cost <= route.cost + 1e-9) {
        const node = route.nodes[k] as number;
        route.removeAt(k);
        solution.nodeRoute[node] = -1;
        solution.refresh(r);
        this.touch(r);
      }
    }
  }

  /** Jobs not on a route and not hopeless, into `pending`; returns how many. */
  collectPending(solution: Solution): number {
    let count = 0;
    for (let j = 0; j < this.J; j += 1) if (solution.assigned[j] === 0 && !this.hopeless.has(j)) this.pending[count++] = j;
    return count;
  }

  /** SISR's recreate: the pending jobs in one of the orders, each at its cheapest place. */
  recreate(solution: Solution): void {
    const count = this.collectPending(solution);
    if (count === 0) return;
    const pending = this.pending;
    this.random.shuffle(pending, count);
    // SISR's orders (random 4, largest load 4, farthest 2, closest 1), and tightest window 2.
    const draw = this.random.int(13);
    if (draw >= 4) pending.subarray(0, count).sort(draw < 8 ? this.byDemand : draw < 10 ? this.byFar : draw < 11 ? this.byClose : this.byWindow);
    const reloadsPossible = this.reloadsPossible;
    for (let i = 0; i < count; i += 1) {
      const j = pending[i] as number;
      if (this.bestInsertion(solution, j, this.blink, this.insertion)) {
        const empty = !Solution.used(solution.routes[this.insertion.route] as Route);
        this.apply(solution, j, this.insertion);
        if (empty) solution.used += 1;
      } else if (reloadsPossible) this.insertWithReload(solution, j);
    }
    if (reloadsPossible) {
      const touched = this.touchedList.slice();
      for (const r of touched) this.dropUselessReloads(solution, r);
    }
    solution.totals();
  }

  /** Marks a node for removal (with its shipment's other stop), its job as unassigned. Breaks and fixed stops stay. */
  markRemoved(solution: Solution, node: number): void {
    const model = this.model;
    if (model.kind[node] === BREAK || model.fixed[node] === 1) return;
    this.removeMark[node] = 1;
    const j = model.job[node] as number;
    if (j < 0) return;
    const partner = model.partner[node] as number;
    if (partner >= 0 && model.fixed[partner] === 0) this.removeMark[partner] = 1;
    if (solution.assigned[j] === 1) {
      solution.assigned[j] = 0;
      solution.unassigned += 1;
    }
  }

  /** SISR's ruin: strings around the neighbours of a random seed stop. */
  ruin(solution: Solution): void {
    const model = this.model;
    const random = this.random;
    const params = this.params;
    // Average route cardinality (job stops per used route).
    let stops = 0;
    let used = 0;
    for (const route of solution.routes) {
      if (route.jobNodes > 0) {
        stops += route.jobNodes;
        used += 1;
      }
    }
    if (used === 0) return;
    const lsMax = Math.min(params.maxStringLength, stops / used);
    const ksMax = (4 * params.averageRemoved) / (1 + lsMax) - 1;
    const ks = Math.floor(random.next() * ksMax) + 1;
    const count = model.jobNodes.length;
    const seedIndex = random.int(count);
    const neighbours = model.neighbours;
    const ruined = this.ruined;
    const ruinedList = this.ruinedList;
    ruinedList.length = 0;
    const positions = this.positions;
    if (used >= 2 && random.next() < params.routeRemoval) {
      // Now and then a whole route (the smaller of two drawn): its jobs go elsewhere if they can.
      let pick = -1;
      for (let draws = 0; draws < 2; draws += 1) {
        let nth = random.int(used);
        for (let r = 0; r < solution.routes.length; r += 1) {
          const route = solution.routes[r] as Route;
          if (route.jobNodes === 0) continue;
          if (nth-- === 0) {
            if (pick < 0 || route.jobNodes < (solution.routes[pick] as Route).jobNodes) pick = r;
            break;
          }
        }
      }
      const route = solution.routes[pick] as Route;
      ruined[pick] = 1;
      ruinedList.push(pick);
      for (let k = route.fixedCount + 1; k <= route.m; k += 1) {
        const node = route.nodes[k] as number;
        if (model.kind[node] === RELOAD) this.removeMark[node] = 1;
        else this.markRemoved(solution, node);
      }
    }
    for (let i = 0; i < count && ruinedList.length < ks; i += 1) {
      const c = neighbours[seedIndex * count + i] as number;
      const r = solution.nodeRoute[c] as number;
      if (r < 0 || ruined[r] === 1 || model.fixed[c] === 1) continue;
      const route = solution.routes[r] as Route;
      // Removable positions: job stops and reloads outside the fixed prefix.
      let R = 0;
      let at = -1;
      for (let k = route.fixedCount + 1; k <= route.m; k += 1) {
        const node = route.nodes[k] as number;
        // Breaks and fixed stops stay; so do reloads (taking one out would merge two trips' loads).
        const kind = model.kind[node] as number;
        if (kind === BREAK || kind === RELOAD || model.fixed[node] === 1) continue;
        if (node === c) at = R;
        positions[R++] = k;
      }
      if (at < 0 || R === 0) continue;
      ruined[r] = 1;
      ruinedList.push(r);
      const ltMax = Math.min(R, lsMax);
      const lt = Math.floor(random.next() * ltMax) + 1;
      let from: number;
      let to: number;
      let keepFrom = -1;
      let keepTo = -1;
      if (lt < R && random.next() < params.splitRate) {
        let kept = 1;
        while (lt + kept < R && random.next() < params.splitDepth) kept += 1;
        const total = lt + kept;
        const low = Math.max(0, at - total + 1);
        const high = Math.min(at, R - total);
        from = low + random.int(high - low + 1);
        to = from + total;
        keepFrom = from + random.int(total - kept + 1);
        keepTo = keepFrom + kept;
      } else {
        const low = Math.max(0, at - lt + 1);
        const high = Math.min(at, R - lt);
        from = low + random.int(high - low + 1);
        to = from + lt;
      }
      for (let s = from; s < to; s += 1) if (s < keepFrom || s >= keepTo) this.markRemoved(solution, route.nodes[positions[s] as number] as number);
    }
    for (const r of ruinedList) {
      ruined[r] = 0;
      this.compact(solution, r);
      // Removing stops never breaks a route when travel times obey the triangle inequality; real
      // matrices may not: then take out more stops, from the first broken one back.
      if (!(solution.routes[r] as Route).feasible) this.repair(solution, r);
      this.touch(r);
    }
    solution.totals();
  }

  /** Takes the marked nodes out of route r (and unmarks them), and updates it. */
  compact(solution: Solution, r: number): void {
    const mark = this.removeMark;
    const route = solution.routes[r] as Route;
    const nodes = route.nodes;
    let w = 1;
    for (let k = 1; k <= route.m; k += 1) {
      const node = nodes[k] as number;
      if (mark[node] === 1) {
        mark[node] = 0;
        solution.nodeRoute[node] = -1;
        solution.nodePos[node] = -1;
      } else nodes[w++] = node;
    }
    nodes[w] = route.vehicle.endNode;
    route.m = w - 1;
    solution.refresh(r);
  }

  /** Removes jobs from route r, the one at or before its first broken constraint first, until it holds. */
  repair(solution: Solution, r: number): void {
    const model = this.model;
    const route = solution.routes[r] as Route;
    while (!route.feasible) {
      const removable = (k: number) => Route.isJob(model.kind[route.nodes[k] as number] as number) && model.fixed[route.nodes[k] as number] === 0;
      let pick = -1;
      for (let k = Math.min(route.violation, route.m); k > route.fixedCount && pick < 0; k -= 1) if (removable(k)) pick = k;
      for (let k = route.violation + 1; k <= route.m && pick < 0; k += 1) if (removable(k)) pick = k;
      if (pick < 0) return;
      this.markRemoved(solution, route.nodes[pick] as number);
      this.compact(solution, r);
    }
  }

  /** Regret-2 insertion of every pending job (the construction). */
  construct(solution: Solution): void {
    const model = this.model;
    const V = this.V;
    const count = this.collectPending(solution);
    const pending = Array.from(this.pending.subarray(0, count));
    const cost = new Float64Array(this.J * V).fill(Infinity);
    const probe: Insertion = { delta: 0, route: -1, p: -1, q: -1 };
    const evaluate = (j: number, r: number) => {
      cost[j * V + r] = model.compatible[j * V + r] === 1 && this.evaluate(solution, j, r, Infinity, null, probe) ? probe.delta : Infinity;
    };
    for (const j of pending) {
      if (this.partial(j)) evaluate(j, model.jobVehicle[j] as number);
      else for (let r = 0; r < V; r += 1) evaluate(j, r);
    }
    const seenClass = new Int32Array(this.classStamp.length);
    let stamp = 0;
    while (pending.length > 0) {
      let chosen = -1;
      let chosenRegret = -Infinity;
      let chosenCost = Infinity;
      let chosenRoute = -1;
      const canOpen = solution.used < this.maxRoutes;
      for (let i = 0; i < pending.length; i += 1) {
        const j = pending[i] as number;
        let best1 = Infinity;
        let best2 = Infinity;
        let route1 = -1;
        stamp += 1;
        for (let r = 0; r < V; r += 1) {
          const value = cost[j * V + r] as number;
          if (value === Infinity) continue;
          const route = solution.routes[r] as Route;
          if (!Solution.used(route)) {
            if (!canOpen) continue;
            const classId = route.vehicle.classId;
            if (seenClass[classId] === stamp) continue;
            seenClass[classId] = stamp;
          }
          if (value < best1) {
            best2 = best1;
            best1 = value;
            route1 = r;
          } else if (value < best2) best2 = value;
        }
        if (route1 < 0) continue;
        const regret = best2 === Infinity ? 1e30 : best2 - best1;
        if (regret > chosenRegret || (regret === chosenRegret && best1 < chosenCost)) {
          chosen = i;
          chosenRegret = regret;
          chosenCost = best1;
          chosenRoute = route1;
        }
      }
      if (chosen < 0) {
        // Nothing fits as things stand: the multi-trip fallback, then give up on the rest.
        let placed = false;
        for (let i = 0; i < pending.length && !placed; i += 1) {
          const j = pending[i] as number;
          if (this.insertWithReload(solution, j)) {
            pending.splice(i, 1);
            placed = true;
            solution.totals();
            const r = solution.nodeRoute[model.jobFirst[j] as number] as number;
            for (const other of pending) if (model.compatible[other * V + r] === 1) evaluate(other, r);
          }
        }
        if (!placed) break;
        continue;
      }
      const j = pending[chosen] as number;
      pending.splice(chosen, 1);
      this.evaluate(solution, j, chosenRoute, Infinity, null, probe);
      this.apply(solution, j, probe);
      solution.totals();
      for (const other of pending) {
        if (this.partial(other) && model.jobVehicle[other] !== chosenRoute) continue;
        evaluate(other, chosenRoute);
      }
    }
    solution.totals();
    this.clearTouched();
  }

  /** Jobs that no vehicle can serve even alone, and why. */
  findHopeless(): void {
    const model = this.model;
    const V = this.V;
    const D = model.dimensions;
    const probe: Insertion = { delta: 0, route: -1, p: -1, q: -1 };
    // Each vehicle alone, without its breaks to come: where a break is taken depends on the other
    // stops (a later stop nearer the end can make it fit), so only a route without them is a
    // relaxation of every route the vehicle could ride.
    // Multi-trip vehicles also with a reload right after what is fixed (the job alone in a trip).
    // A route that starts with fixed pickups whose deliveries are still to plan carries them to its
    // end here: its capacity is not what it will be, so only the job's own load is compared to it.
    const relaxed = (vehicle: CompiledVehicle, nodes: number[]) => {
      const opens = vehicle.fixed.some((node) => model.kind[node] === PICKUP && model.fixed[model.partner[node] as number] === 0);
      const route = new Route(model, opens ? { ...vehicle, capacity: new Float64Array(D).fill(Infinity) } : vehicle);
      route.setNodes(nodes);
      return route;
    };
    const empty = model.vehicles.map((vehicle) => relaxed(vehicle, vehicle.fixed));
    const reloaded = model.vehicles.map((vehicle) => {
      const reload = vehicle.reloadNodes.find((node) => model.fixed[node] === 0);
      return reload === undefined ? undefined : relaxed(vehicle, [...vehicle.fixed, reload]);
    });
    for (let j = 0; j < this.J; j += 1) {
      if (model.jobFixed[j] === 1) continue;
      const job = model.jobs[j];
      const first = model.jobFirst[j] as number;
      const second = model.jobSecond[j] as number;
      let skilled = false;
      let usable = false;
      let fits = false;
      let reachable = false;
      for (let v = 0; v < V; v += 1) {
        const vehicle = model.vehicles[v];
        if (!vehicle || !job) continue;
        const skills = model.problem.vehicles[v]?.skills ?? [];
        if (!(job.skills ?? []).every((skill) => skills.includes(skill))) continue;
        if (model.jobVehicle[j] as number >= 0 && model.jobVehicle[j] !== v) continue;
        skilled = true;
        if (vehicle.unusable) continue;
        usable = true;
        let inside = true;
        for (let d = 0; d < D; d += 1) if ((model.amount[first * D + d] as number) > (vehicle.capacity[d] as number) + 1e-9) inside = false;
        if (!inside) continue;
        fits = true;
        for (const route of [empty[v], reloaded[v]]) {
          if (!route) continue;
          const ok = this.partial(j)
            ? bestSingleInsertion(route, second, Infinity, null, probe, route.nodes.indexOf(first))
            : second >= 0
              ? bestPairInsertion(route, first, second, Infinity, null, probe)
              : bestSingleInsertion(route, first, Infinity, null, probe);
          if (ok) {
            reachable = true;
            const solo = probe.delta + (Solution.used(route) ? 0 : route.cost);
            if (solo < (this.soloCost[j] as number)) this.soloCost[j] = solo;
          }
        }
      }
      const anyUsable = model.vehicles.some((vehicle) => !vehicle.unusable);
      if (!reachable) this.hopeless.set(j, !anyUsable ? 'no-vehicle' : !skilled ? 'skills' : !usable ? 'no-vehicle' : !fits ? 'capacity' : 'time-window');
    }
  }

  /** Whether a is better than b: more jobs served, then (if asked) fewer vehicles, then cheaper. */
  better(a: Solution, b: Solution, vehicles: boolean): boolean {
    if (a.unassigned !== b.unassigned) return a.unassigned < b.unassigned;
    if (vehicles && a.used !== b.used) return a.used < b.used;
    return a.cost < b.cost - 1e-9;
  }
}

/**
 * Puts the routes of a former plan (or a hand-made one) in the solution, each as it is if it is
 * feasible, left out otherwise; what names nothing, comes twice or breaks a pair is dropped.
 */
function startFrom(model: Model, solution: Solution, initial: NonNullable<SolveOptions['initial']>): void {
  const jobIndex = new Map(model.jobs.map((job, j) => [job.id, j]));
  const used = new Uint8Array(model.nodes);
  for (const node of model.vehicles.flatMap((vehicle) => vehicle.fixed)) used[node] = 1;
  for (const planned of initial) {
    const r = model.vehicles.findIndex((vehicle) => vehicle.id === planned.vehicle);
    const vehicle = model.vehicles[r];
    if (!vehicle || vehicle.unusable) continue;
    const breaks = [...(model.problem.vehicles[r]?.breaks ?? [])].sort((a, b) => a.earliest - b.earliest);
    const nodes: number[] = [...vehicle.fixed];
    const mine = new Set(nodes);
    const reloads = vehicle.reloadNodes.filter((node) => model.fixed[node] === 0);
    let step = 0;
    const steps = planned.steps.filter((candidate) => candidate.type !== 'start' && candidate.type !== 'end');
    // The fixed prefix first, as it is.
    while (step < steps.length && step < vehicle.fixed.length) step += 1;
    for (; step < steps.length; step += 1) {
      const { type, job, break: pause } = steps[step] as { type: string; job?: string; break?: string };
      let node = -1;
      if (type === 'break') node = vehicle.breakNodes[breaks.findIndex((candidate) => candidate.id === pause)] ?? -1;
      else if (type === 'reload') node = reloads.shift() ?? -1;
      else if (job !== undefined && jobIndex.has(job)) {
        const j = jobIndex.get(job) as number;
        const second = model.jobSecond[j] as number;
        node = type === 'delivery' && second >= 0 ? second : (model.jobFirst[j] as number);
      }
      if (node < 0 || used[node] === 1 || mine.has(node)) continue;
      const j = model.job[node] as number;
      if (j >= 0 && model.compatible[j * model.vehicles.length + r] === 0) continue;
      nodes.push(node);
      mine.add(node);
    }
    // Breaks it does not list, at the end; shipments with both stops, pickup first.
    for (const node of vehicle.breakNodes) if (!mine.has(node)) nodes.push(node);
    const kept = nodes.filter((node, index) => {
      const partner = model.partner[node] as number;
      if (partner < 0 || model.fixed[node] === 1) return true;
      const other = nodes.indexOf(partner);
      return other >= 0 && (model.kind[node] === PICKUP ? other > index : other < index);
    });
    const route = solution.routes[r] as Route;
    if (!route.setNodes(kept)) {
      route.setNodes([...vehicle.fixed, ...vehicle.breakNodes.filter((node) => model.fixed[node] === 0)]);
      continue;
    }
    for (const node of kept) used[node] = 1;
  }
  for (let r = 0; r < solution.routes.length; r += 1) solution.index(r);
  for (let j = 0; j < model.jobs.length; j += 1) {
    if (model.jobFixed[j] === 1) continue;
    const second = model.jobSecond[j] as number;
    const served = used[model.jobFirst[j] as number] === 1 && (second < 0 || used[second] === 1);
    if (served && solution.assigned[j] === 0) {
      solution.assigned[j] = 1;
      solution.unassigned -= 1;
    }
  }
  solution.totals();
}

/** With a time limit, at most this many iterations per job stop (a small problem ends early). */
const ITERATIONS_PER_STOP = 5000;
/** Iterations without a clock and without a budget. */
const DEFAULT_ITERATIONS = 20_000;
/**
 * With a time limit and no iteration budget, the budget is counted in work units (`meter`:
 * positions examined and updated), this many per millisecond of the limit: the pace of the
 * benchmark machine (one core of an AMD EPYC, Node 22: 31,000 to 54,000 units per CPU
 * millisecond across Solomon, Li & Lim and the cooperative's day, once compiled), taken low so
 * that a run usually ends on its budget before the limit, and so does not depend on the clock.
 */
export const WORK_PER_MS = 25_000;
/** The share of the time limit during which the clock does not drive the schedule (warm-up). */
const CLOCK_GRACE = 0.2;
/** Iterations between two adjustments of the left-out penalty. */
const PENALTY_WINDOW = 100;

/**
 * Plans the problem. Throws `PlanningInputError` for a malformed problem; everything else (a
 * job no vehicle can take, a vehicle that cannot work) ends up in the plan with its reason.
 */
export function solve(problem: Problem, options: SolveOptions = {}): Plan {
  const now = options.now;
  const t0 = now ? now() : 0;
  const elapsed = () => (now ? now() - t0 : 0);
  const model = compile(problem);
  const params = { ...DEFAULT_PARAMETERS, ...options.parameters };
  const seed = options.seed ?? 1;
  const vehiclesFirst = problem.objective?.minimiseVehicles === true;
  const limit = options.timeLimitMs !== undefined && now ? options.timeLimitMs : Infinity;

  const search = new Search(model, params, seed);
  search.findHopeless();
  const current = new Solution(model);
  if (options.initial) startFrom(model, current, options.initial);
  search.construct(current);

  // Progress through the budget, from 0 to 1: iterations, or work units (from the time limit);
  // never behind the clock, so a slow or busy machine cools faster and still ends in time.
  const iterationBudget = options.iterations !== undefined ? Math.max(0, Math.floor(options.iterations)) : limit === Infinity ? DEFAULT_ITERATIONS : undefined;
  // A tenth of the time is left for compiling the problem and the construction.
  const workBudget = iterationBudget === undefined ? Math.max(1, 0.9 * (options.budgetMs ?? limit) * WORK_PER_MS) : 0;
  const workStart = meter.work;
  const searchStartMs = elapsed();
  let clockBound = false;
  let timedOut = false;
  // Nothing to move (no job, or every job fixed or out of reach): no search. A small problem needs
  // no more iterations than its size warrants, whatever the time allows.
  let movable = 0;
  for (let j = 0; j < model.jobs.length; j += 1) if (model.jobFixed[j] === 0 && !search.hopeless.has(j)) movable += 1;
  const iterationCap = movable === 0 ? 0 : ITERATIONS_PER_STOP * Math.max(1, model.jobNodes.length);
  const progress = () => {
    if (iterationCap === 0) return 1;
    const capped = search.iteration / iterationCap;
    let planned = iterationBudget !== undefined ? (iterationBudget === 0 ? 1 : search.iteration / iterationBudget) : (meter.work - workStart) / workBudget;
    if (iterationBudget === undefined && capped > planned) planned = capped;
    if (limit === Infinity) return planned;
    // The clock's progress, after a grace (the first iterations run before the code is compiled).
    const span = Math.max(1e-9, limit - searchStartMs);
    const clock = (elapsed() - searchStartMs - CLOCK_GRACE * span) / ((1 - CLOCK_GRACE) * span);
    if (clock > planned) {
      clockBound = true;
      if (clock >= 1) timedOut = true;
      return clock;
    }
    return planned;
  };
  let at = progress();

  const best = new Solution(model);
  best.copyAll(current);
  const work = new Solution(model);
  work.copyAll(current);
  const found: Progress = { iteration: 0, atMs: elapsed() };
  const report = () => options.onImprove?.({ iteration: search.iteration, served: model.jobs.length - best.unassigned, vehicles: best.used, cost: best.cost, elapsedMs: elapsed() });
  const improved = (candidate: Solution) => {
    best.copyAll(candidate);
    found.iteration = search.iteration;
    found.atMs = elapsed();
    report();
  };
  report();

  /** Accepts or rejects the working copy: copies the touched routes one way or the other. */
  const settle = (accept: boolean) => {
    const from = accept ? work : current;
    const to = accept ? current : work;
    for (const r of search.touchedList) to.copyRoute(from, r);
    to.copyJobs(from);
    search.clearTouched();
  };

  // Fleet minimisation (SISR): close a route, place its jobs back without opening one. The phase
  // ends at its share of the budget, or earlier when no route has been closed for a while.
  let lastClosed = 0;
  if (vehiclesFirst && best.unassigned === 0 && best.used > 1) {
    const absences = new Float64Array(model.jobs.length);
    const absenceSum = (solution: Solution) => {
      let sum = 0;
      for (let j = 0; j < model.jobs.length; j += 1) if (solution.assigned[j] === 0 && !search.hopeless.has(j)) sum += absences[j] as number;
      return sum;
    };
    const closeRoute = () => {
      // The route with the fewest job stops (no fixed stops), its jobs back to the pool.
      let target = -1;
      for (let r = 0; r < current.routes.length; r += 1) {
        const route = current.routes[r] as Route;
        if (route.jobNodes === 0 || route.fixedCount > 0) continue;
        if (target < 0 || route.jobNodes < (current.routes[target] as Route).jobNodes) target = r;
      }
      if (target < 0) return false;
      const route = current.routes[target] as Route;
      for (let k = 1; k <= route.m; k += 1) {
        const node = route.nodes[k] as number;
        if (model.kind[node] === BREAK) continue;
        current.nodeRoute[node] = -1;
        current.nodePos[node] = -1;
        const j = model.job[node] as number;
        if (j >= 0 && current.assigned[j] === 1) {
          current.assigned[j] = 0;
          current.unassigned += 1;
        }
      }
      route.filter((node) => model.kind[node] === BREAK);
      current.refresh(target);
      current.totals();
      for (let r = 0; r < current.routes.length; r += 1) work.copyRoute(current, r);
      work.copyJobs(current);
      search.maxRoutes = current.used;
      return true;
    };
    let open = closeRoute();
    let currentAbsence = 0;
    while (open && at < params.fleetShare && at - lastClosed < params.fleetPatience) {
      search.iteration += 1;
      search.ruin(work);
      search.recreate(work);
      const workAbsence = absenceSum(work);
      const accept = work.unassigned < current.unassigned || workAbsence < currentAbsence;
      settle(accept);
      at = progress();
      if (current.unassigned === 0) {
        improved(current);
        lastClosed = at;
        open = closeRoute();
      } else {
        for (let j = 0; j < model.jobs.length; j += 1) if (current.assigned[j] === 0 && !search.hopeless.has(j)) absences[j] = (absences[j] as number) + 1;
      }
      currentAbsence = absenceSum(current);
    }
    // Back to the best plan, at most that many vehicles from now on.
    current.copyAll(best);
    work.copyAll(best);
    search.maxRoutes = best.used;
  }

  // Distance phase: SISR with simulated annealing on the travel cost, the temperature falling
  // geometrically from `hot` to `cold` over the rest of the budget.
  const arcs = Math.max(1, model.jobNodes.length + best.used);
  const averageArc = best.cost > 0 ? best.cost / arcs : 1;
  const hot = params.startTemperature * averageArc;
  const cold = Math.max(1e-12, params.endTemperature * averageArc);
  const distanceStart = at;
  // A job left out costs its penalty: the search may go through plans that leave some out (with
  // a fixed fleet that is how it gets from one tight plan to a better one), the best plan never does.
  // The penalty adapts (as hybrid genetic search's penalties do, Vidal et al. 2012): up when the
  // current plan leaves jobs out too often, down when it rarely does, so that the search spends
  // most of its time on complete plans without being walled in by them.
  const penalties = new Float64Array(model.jobs.length);
  for (let j = 0; j < model.jobs.length; j += 1) penalties[j] = search.hopeless.has(j) ? 0 : Math.min(search.soloCost[j] as number, 1e9);
  let penaltyFactor = params.leftOutPenalty;
  let leftOutIterations = 0;
  const penalty = (solution: Solution) => {
    if (solution.unassigned === 0) return 0;
    let sum = 0;
    for (let j = 0; j < model.jobs.length; j += 1) if (solution.assigned[j] === 0) sum += penalties[j] as number;
    return sum * penaltyFactor;
  };
  while (at < 1) {
    const temperature = hot * Math.pow(cold / hot, (at - distanceStart) / Math.max(1e-9, 1 - distanceStart));
    search.iteration += 1;
    search.ruin(work);
    search.recreate(work);
    let accept: boolean;
    if (vehiclesFirst && work.used !== current.used) accept = work.used < current.used;
    else if (params.leftOutPenalty <= 0 && work.unassigned !== current.unassigned) accept = work.unassigned < current.unassigned;
    else accept = work.cost + penalty(work) < current.cost + penalty(current) - temperature * Math.log(1 - search.random.next());
    // A new best plan is always taken (the penalty may rate a plan that leaves a job out lower).
    const isBest = search.better(work, best, vehiclesFirst);
    settle(accept || isBest);
    if (isBest) improved(current);
    at = progress();
    if (current.unassigned > 0) leftOutIterations += 1;
    if (search.iteration % PENALTY_WINDOW === 0) {
      const share = leftOutIterations / PENALTY_WINDOW;
      if (share > params.leftOutShare * 2) penaltyFactor = Math.min(1000, penaltyFactor * 1.25);
      else if (share < params.leftOutShare / 2) penaltyFactor = Math.max(0.25, penaltyFactor / 1.25);
      leftOutIterations = 0;
    }
  }

  const stats: SearchStats = {
    seed,
    iterations: search.iteration,
    budget: iterationBudget ?? Math.round(workBudget),
    work: meter.work - workStart,
    clockBound,
    bestIteration: found.iteration,
    bestAtMs: found.atMs,
    elapsedMs: elapsed(),
    timedOut,
  };
  return toPlan(model, best, search, stats);
}

const STEP_TYPES: Record<number, Step['type']> = {
  [START]: 'start',
  [END]: 'end',
  [PICKUP]: 'pickup',
  [DELIVERY]: 'delivery',
  [SINGLE_PICKUP]: 'pickup',
  [SINGLE_DELIVERY]: 'delivery',
  [BREAK]: 'break',
  [RELOAD]: 'reload',
};

/** The solution as a plan: times, loads and distances per step, unassigned jobs with their reason. */
function toPlan(model: Model, solution: Solution, search: Search, stats: SearchStats): Plan {
  const P = model.places;
  const D = model.dimensions;
  const routes: PlannedRoute[] = [];
  const unassigned: UnassignedJob[] = [];
  for (let r = 0; r < solution.routes.length; r += 1) {
    const route = solution.routes[r] as Route;
    if (!Solution.used(route)) continue;
    // Never hand out a route the search got wrong: drop its jobs (a safety net; the tests hold it never fires).
    if (!route.update()) {
      for (let k = 1; k <= route.m; k += 1) {
        const j = model.job[route.nodes[k] as number] as number;
        if (j >= 0 && model.jobFixed[j] === 0 && solution.assigned[j] === 1) {
          solution.assigned[j] = 0;
          solution.unassigned += 1;
        }
      }
      route.filter((node) => model.fixed[node] === 1 || model.kind[node] === BREAK);
      if (!route.update() || !Solution.used(route)) continue;
    }
    const vehicle = route.vehicle;
    const steps: Step[] = [];
    let distance = 0;
    for (let k = 0; k <= route.m + 1; k += 1) {
      const node = route.nodes[k] as number;
      const kind = model.kind[node] as number;
      const pl = route.place[k] as number;
      let arrival = route.start[k] as number;
      if (k > 0) {
        const before = route.place[k - 1] as number;
        distance += vehicle.distances[before * P + pl] as number;
        arrival = (route.start[k - 1] as number) + (model.service[route.nodes[k - 1] as number] as number) + (kind === BREAK ? 0 : (vehicle.durations[before * P + pl] as number));
      }
      const step: Step = {
        type: STEP_TYPES[kind] as Step['type'],
        arrival,
        serviceStart: route.start[k] as number,
        departure: (route.start[k] as number) + (model.service[node] as number),
        load: Array.from(route.load.subarray(k * D, k * D + D)),
        distance,
      };
      if (pl !== model.nowhere && pl >= 0) step.place = pl;
      const j = model.job[node] as number;
      if (j >= 0) step.job = model.jobs[j]?.id as string;
      if (kind === BREAK) {
        const index = vehicle.breakNodes.indexOf(node);
        const breaks = [...(model.problem.vehicles[vehicle.index]?.breaks ?? [])].sort((a, b) => a.earliest - b.earliest);
        step.break = breaks[index]?.id as string;
      }
      if (model.fixed[node] === 1) step.fixed = true;
      steps.push(step);
    }
    const first = steps[0] as Step;
    const last = steps[steps.length - 1] as Step;
    routes.push({ vehicle: vehicle.id, steps, distance: route.distance, travelTime: route.travel, duration: last.arrival - first.departure });
  }
  for (let j = 0; j < model.jobs.length; j += 1) {
    if (solution.assigned[j] === 1) continue;
    unassigned.push({ job: model.jobs[j]?.id as string, reason: search.hopeless.get(j) ?? 'no-room' });
  }
  const summary = {
    served: model.jobs.length - unassigned.length,
    vehicles: routes.length,
    distance: routes.reduce((sum, route) => sum + route.distance, 0),
    travelTime: routes.reduce((sum, route) => sum + route.travelTime, 0),
    cost: 0,
  };
  summary.cost = (model.problem.objective?.cost ?? 'duration') === 'distance' ? summary.distance : summary.travelTime;
  return {
    routes,
    unassigned,
    unusableVehicles: model.vehicles.filter((vehicle) => vehicle.unusable).map((vehicle) => ({ vehicle: vehicle.id, reason: vehicle.unusable as string })),
    summary,
    stats,
  };
}
