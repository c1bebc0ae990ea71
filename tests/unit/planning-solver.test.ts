import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../shared/planning/check.js';
import { PlanningInputError, type Job, type Problem, type SingleJob, type Vehicle } from '../../shared/planning/problem.js';
import { solve } from '../../shared/planning/solver.js';
import { syntheticDay } from '../../shared/planning/synthetic.js';
import { line, planted } from './planning-fixtures.js';

/** Iteration budgets, never seconds: the tests do not depend on the machine. */
const ITERATIONS = 150;

const hub = (id: string, extra: Partial<Vehicle> = {}): Vehicle => ({ id, start: 0, end: 0, shift: { start: 0, end: 1000 }, capacity: [100], ...extra });
const delivery = (id: string, place: number, amount: number[] = [1], extra: Partial<SingleJob> = {}): Job => ({ type: 'delivery', id, stop: { place }, amount, ...extra });

describe('every plan is feasible, and serves every job a hand-made feasible plan serves', () => {
  it('on random problems built around a feasible plan (shipments, hub deliveries, collections, two capacities, windows, breaks, reloads, skills, fixed stops)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1000 }), (problemSeed, searchSeed) => {
        const { problem, plan: handMade } = planted(problemSeed);
        // The hand-made plan is feasible (the generator and the checker agree)…
        expect(checkPlan(problem, handMade).errors).toEqual([]);
        // …and the planner's too, from scratch: its fixed stops in place, and every job served.
        const plan = solve(problem, { iterations: 2000, seed: searchSeed });
        expect(checkPlan(problem, plan).errors).toEqual([]);
        expect(plan.summary.served).toBe(problem.jobs.length);
        // Started from the hand-made plan, it serves as many jobs and travels no more.
        const improved = solve(problem, { iterations: ITERATIONS, seed: searchSeed, initial: handMade.routes });
        const check = checkPlan(problem, improved);
        expect(check.errors).toEqual([]);
        expect(improved.summary.served).toBe(problem.jobs.length);
        expect(improved.summary.distance).toBeLessThanOrEqual(checkPlan(problem, handMade).distance + 1e-9);
      }),
      { numRuns: 60, seed: 17 },
    );
  });

  it('never hands out a broken plan to serve more: with one job too many for the fleet, that job is left out, with its reason', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (problemSeed) => {
        const { problem, plan: handMade } = planted(problemSeed);
        // A job at the far end of the map whose window closes before anyone could get there.
        const far = problem.places;
        const matrices = problem.matrices.default as { durations: Float64Array; distances: Float64Array };
        const n = problem.places + 1;
        const grow = (matrix: Float64Array) => {
          const bigger = new Float64Array(n * n);
          for (let i = 0; i < n; i += 1) for (let j = 0; j < n; j += 1) bigger[i * n + j] = i < n - 1 && j < n - 1 ? (matrix[i * (n - 1) + j] as number) : i === j ? 0 : 500;
          return bigger;
        };
        const harder: Problem = {
          ...problem,
          places: n,
          matrices: { default: { durations: grow(matrices.durations), distances: grow(matrices.distances) } },
          jobs: [...problem.jobs, { type: 'delivery', id: 'too-far', stop: { place: far, window: { earliest: 0, latest: 100 } }, amount: [1, 1] }],
        };
        const plan = solve(harder, { iterations: ITERATIONS, initial: handMade.routes });
        expect(checkPlan(harder, plan).errors).toEqual([]);
        expect(plan.unassigned).toEqual([{ job: 'too-far', reason: 'time-window' }]);
      }),
      { numRuns: 15, seed: 5 },
    );
  });
});

describe('determinism', () => {
  it('the same seed and the same iteration budget give the same plan; another seed may not', () => {
    const day = syntheticDay(3);
    const first = solve(day.problem, { iterations: 300, seed: 42 });
    const again = solve(day.problem, { iterations: 300, seed: 42 });
    expect(again).toEqual(first);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 1000 }), (problemSeed, seed) => {
        const { problem } = planted(problemSeed);
        expect(solve(problem, { iterations: 60, seed })).toEqual(solve(problem, { iterations: 60, seed }));
      }),
      { numRuns: 20, seed: 3 },
    );
  });

  it('a time limit that is not reached changes nothing', () => {
    const { problem } = planted(99);
    let clock = 0;
    const timed = solve(problem, { iterations: 200, seed: 1, timeLimitMs: 1e9, now: () => (clock += 0.001) });
    const untimed = solve(problem, { iterations: 200, seed: 1 });
    expect(timed.routes).toEqual(untimed.routes);
    expect(timed.stats.clockBound).toBe(false);
  });

  it('a time limit that is reached stops the search with the best plan so far, feasible', () => {
    const day = syntheticDay(2);
    let clock = 0;
    const plan = solve(day.problem, { iterations: 1_000_000, seed: 1, timeLimitMs: 50, now: () => (clock += 0.01) });
    expect(plan.stats.timedOut).toBe(true);
    expect(plan.stats.iterations).toBeLessThan(1_000_000);
    expect(checkPlan(day.problem, plan).errors).toEqual([]);
  });
});

describe('fixed stops stay fixed', () => {
  it('a started round keeps its first stops in order, windows passed or not; a picked-up parcel stays on its vehicle', () => {
    const problem: Problem = {
      ...line(6),
      vehicles: [
        hub('alice', { fixed: [{ job: 'done' }, { job: 'parcel', stop: 'pickup' }] }),
        hub('bob', { start: 5 }),
      ],
      jobs: [
        // Done long ago: its window has passed, it stays.
        { type: 'delivery', id: 'done', stop: { place: 3, window: { earliest: 0, latest: 1 } }, amount: [1] },
        // Picked up by alice: delivered by alice, even though bob starts next to its delivery.
        { type: 'shipment', id: 'parcel', pickup: { place: 2 }, delivery: { place: 5 }, amount: [1] },
        delivery('other', 4),
      ],
    };
    const plan = solve(problem, { iterations: ITERATIONS });
    expect(checkPlan(problem, plan).errors).toEqual([]);
    const alice = plan.routes.find((route) => route.vehicle === 'alice');
    expect(alice?.steps.slice(1, 3).map((step) => [step.type, step.job, step.fixed])).toEqual([
      ['delivery', 'done', true],
      ['pickup', 'parcel', true],
    ]);
    expect(alice?.steps.some((step) => step.type === 'delivery' && step.job === 'parcel')).toBe(true);
    expect(plan.summary.served).toBe(3);
  });

  it('on random problems, every fixed prefix is where it was (checked by the plan checker)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (problemSeed) => {
        const { problem } = planted(problemSeed);
        fc.pre(problem.vehicles.some((vehicle) => (vehicle.fixed ?? []).length > 0));
        const plan = solve(problem, { iterations: 80, seed: problemSeed });
        expect(checkPlan(problem, plan).errors).toEqual([]);
        for (const vehicle of problem.vehicles) {
          const fixed = vehicle.fixed ?? [];
          if (fixed.length === 0) continue;
          const steps = plan.routes.find((route) => route.vehicle === vehicle.id)?.steps ?? [];
          expect(steps.slice(1, 1 + fixed.length).every((step) => step.fixed === true)).toBe(true);
        }
      }),
      { numRuns: 40, seed: 11 },
    );
  });
});

describe('capacity in several dimensions, multi-trip', () => {
  it('counts every dimension: litres bind although kilograms do not', () => {
    const problem: Problem = {
      ...line(5),
      vehicles: [hub('cargo', { capacity: [100, 10] })],
      jobs: [delivery('a', 1, [1, 4]), delivery('b', 2, [1, 4]), delivery('c', 3, [1, 4])],
    };
    const plan = solve(problem, { iterations: ITERATIONS });
    expect(checkPlan(problem, plan).errors).toEqual([]);
    expect(plan.summary.served).toBe(2);
    expect(plan.unassigned).toEqual([{ job: expect.any(String), reason: 'no-room' }]);
  });

  it('goes back to the hub to reload when a trip cannot carry everything', () => {
    const problem: Problem = {
      ...line(5),
      vehicles: [hub('cargo', { capacity: [100, 10], reload: { service: 5 } })],
      jobs: [delivery('a', 1, [1, 4]), delivery('b', 2, [1, 4]), delivery('c', 3, [1, 4]), { type: 'pickup', id: 'collect', stop: { place: 4 }, amount: [50, 6] }],
    };
    const plan = solve(problem, { iterations: ITERATIONS });
    expect(checkPlan(problem, plan).errors).toEqual([]);
    expect(plan.summary.served).toBe(4);
    const steps = plan.routes[0]?.steps ?? [];
    expect(steps.filter((step) => step.type === 'reload').length).toBeGreaterThanOrEqual(1);
    for (const step of steps) expect(step.load[1]).toBeLessThanOrEqual(10);
  });

  it('does not keep a reload that serves nothing', () => {
    const problem: Problem = { ...line(4), vehicles: [hub('cargo', { reload: { service: 5 } })], jobs: [delivery('a', 1), delivery('b', 3)] };
    const plan = solve(problem, { iterations: ITERATIONS });
    expect(plan.routes[0]?.steps.map((step) => step.type)).toEqual(['start', 'delivery', 'delivery', 'end']);
  });
});

describe('breaks', () => {
  it('takes every break of a used vehicle inside its window, fixed ones at their time', () => {
    const problem: Problem = {
      ...line(6),
      vehicles: [
        hub('alice', {
          breaks: [
            { id: 'lunch', earliest: 30, latest: 40, duration: 25 },
            { id: 'call', earliest: 90, latest: 90, duration: 5 },
          ],
        }),
      ],
      jobs: [1, 2, 3, 4, 5].map((place) => ({ type: 'delivery', id: `d${place}`, stop: { place, service: 5, window: { earliest: 0, latest: 200 } }, amount: [1] }) as Job),
    };
    const plan = solve(problem, { iterations: ITERATIONS });
    expect(checkPlan(problem, plan).errors).toEqual([]);
    const breaks = plan.routes[0]?.steps.filter((step) => step.type === 'break') ?? [];
    expect(breaks.map((step) => step.break)).toEqual(['lunch', 'call']);
    expect(breaks[0]?.serviceStart).toBeGreaterThanOrEqual(30);
    expect(breaks[0]?.serviceStart).toBeLessThanOrEqual(40);
    expect(breaks[1]?.serviceStart).toBe(90);
    expect(plan.summary.served).toBe(5);
  });

  it('an unused vehicle takes no break', () => {
    const problem: Problem = { ...line(3), vehicles: [hub('a'), hub('b', { breaks: [{ id: 'lunch', earliest: 0, latest: 500, duration: 30 }] })], jobs: [delivery('x', 1)] };
    const plan = solve(problem, { iterations: 50 });
    expect(plan.routes.map((route) => route.vehicle)).toEqual(['a']);
  });
});

describe('the objective', () => {
  it('serves as many jobs as it can before it saves travel', () => {
    // One courier, two far jobs in opposite directions: serving both costs more, it still does.
    const problem: Problem = { ...line(11), vehicles: [hub('a', { start: 5, end: 5 })], jobs: [delivery('west', 0, [0]), delivery('east', 10, [0])] };
    const plan = solve(problem, { iterations: 50 });
    expect(plan.summary.served).toBe(2);
    expect(plan.summary.distance).toBe(200);
  });

  it('minimises the number of vehicles first when asked', () => {
    const jobs = [1, 2, 3, 4].map((place) => delivery(`d${place}`, place, [1]));
    const base: Problem = { ...line(5), vehicles: [hub('a'), hub('b'), hub('c')], jobs: [...jobs, delivery('back', 0, [1], { stop: { place: 1, window: { earliest: 0, latest: 10 } } })] };
    const plan = solve({ ...base, objective: { cost: 'distance', minimiseVehicles: true } }, { iterations: 300 });
    expect(plan.summary.vehicles).toBe(1);
    expect(checkPlan(base, plan).errors).toEqual([]);
  });

  it('rides on each vehicle\u2019s profile and speed', () => {
    const slow = line(3);
    const problem: Problem = {
      places: 3,
      matrices: { default: slow.matrices.default as never, ebike: { durations: (slow.matrices.default?.durations as Float64Array).map((value) => value / 2), distances: slow.matrices.default?.distances as Float64Array } },
      vehicles: [hub('cargo', { shift: { start: 0, end: 30 } }), hub('fast', { profile: 'ebike', speedFactor: 1.25, shift: { start: 0, end: 30 } })],
      jobs: [delivery('x', 2)],
    };
    // 40 units there and back: 40 on the default profile (too long for a 30 s shift), 40 / 2 / 1.25 = 16 on the e-bike.
    const plan = solve(problem, { iterations: 20 });
    expect(plan.routes.map((route) => [route.vehicle, route.travelTime])).toEqual([['fast', 16]]);
    expect(checkPlan(problem, plan).errors).toEqual([]);
  });

  it('routes without a start or an end place begin at the first stop and finish at the last', () => {
    const problem: Problem = { ...line(4), vehicles: [{ id: 'open', shift: { start: 0, end: 100 }, capacity: [10] }], jobs: [delivery('a', 1), delivery('b', 3)] };
    const plan = solve(problem, { iterations: 30 });
    expect(plan.summary.distance).toBe(20);
    expect(checkPlan(problem, plan).errors).toEqual([]);
  });
});

describe('bad input: a plan with reasons, or a clear error', () => {
  it('no job, no vehicle', () => {
    expect(solve({ ...line(2), vehicles: [hub('a')], jobs: [] }, { iterations: 10 })).toMatchObject({ routes: [], unassigned: [], summary: { served: 0, vehicles: 0 } });
    expect(solve({ ...line(2), vehicles: [], jobs: [delivery('x', 1)] }, { iterations: 10 }).unassigned).toEqual([{ job: 'x', reason: 'no-vehicle' }]);
  });

  it('a courier whose shift ends before it starts is not used, and says why', () => {
    const plan = solve({ ...line(2), vehicles: [hub('late', { shift: { start: 500, end: 100 } })], jobs: [delivery('x', 1)] }, { iterations: 10 });
    expect(plan.unusableVehicles).toEqual([{ vehicle: 'late', reason: expect.stringMatching(/ends .* before it starts/) }]);
    expect(plan.unassigned).toEqual([{ job: 'x', reason: 'no-vehicle' }]);
  });

  it('a job heavier than every vehicle, one needing a skill nobody has, one out of reach in time', () => {
    const problem: Problem = {
      ...line(3),
      vehicles: [hub('a', { capacity: [10], skills: ['cold'] }), hub('b', { capacity: [20] })],
      jobs: [delivery('heavy', 1, [25]), delivery('frozen', 1, [1], { skills: ['frozen'] }), delivery('late', 2, [1], { stop: { place: 2, window: { earliest: 0, latest: 5 } } }), delivery('fine', 1, [15])],
    };
    const plan = solve(problem, { iterations: 50 });
    expect(plan.unassigned).toEqual([
      { job: 'heavy', reason: 'capacity' },
      { job: 'frozen', reason: 'skills' },
      { job: 'late', reason: 'time-window' },
    ]);
    expect(plan.summary.served).toBe(1);
    expect(checkPlan(problem, plan).errors).toEqual([]);
  });

  it('malformed problems are refused with every reason', () => {
    const good: Problem = { ...line(3), vehicles: [hub('a')], jobs: [delivery('x', 1)] };
    const refused = (problem: Problem) => {
      try {
        solve(problem, { iterations: 1 });
      } catch (error) {
        expect(error).toBeInstanceOf(PlanningInputError);
        return (error as PlanningInputError).problems.join('\n');
      }
      throw new Error('accepted');
    };
    expect(refused({ ...good, places: 4 })).toMatch(/must hold 16 entries/);
    expect(refused({ ...good, jobs: [delivery('x', 7)] })).toMatch(/place index/);
    expect(refused({ ...good, jobs: [delivery('x', 1), delivery('x', 2)] })).toMatch(/used twice/);
    expect(refused({ ...good, jobs: [delivery('x', 1, [1, 2])] })).toMatch(/amount must list at most 1/);
    expect(refused({ ...good, vehicles: [hub('a', { capacity: [Number.NaN] })] })).toMatch(/capacity/);
    expect(refused({ ...good, vehicles: [hub('a', { profile: 'van' })] })).toMatch(/no matrices for profile van/);
    expect(refused({ ...good, vehicles: [hub('a', { fixed: [{ job: 'nope' }] })] })).toMatch(/unknown job nope/);
    expect(refused({ ...good, matrices: { default: { durations: [0, 1, 1, 1, 0, -1, 1, 1, 0], distances: [0, 1, 1, 1, 0, 1, 1, 1, 0] } } })).toMatch(/non-negative/);
  });
});

describe('a day of the cooperative', () => {
  it('120 stops, 6 couriers: a feasible plan in a few hundred iterations, breaks taken, reloads where needed', () => {
    const day = syntheticDay(1);
    expect(day.stops).toBe(120);
    const plan = solve(day.problem, { iterations: 400, seed: 1 });
    expect(checkPlan(day.problem, plan).errors).toEqual([]);
    expect(plan.summary.served).toBeGreaterThanOrEqual(day.problem.jobs.length - 2);
    for (const route of plan.routes) {
      const vehicle = day.problem.vehicles.find((candidate) => candidate.id === route.vehicle) as Vehicle;
      expect(route.steps.filter((step) => step.type === 'break').length).toBe(vehicle.breaks?.length ?? 0);
    }
  });
});
