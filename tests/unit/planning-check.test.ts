import { describe, expect, it } from 'vitest';
import { checkPlan, type CheckablePlan } from '../../shared/planning/check.js';
import type { Problem } from '../../shared/planning/problem.js';
import { solve } from '../../shared/planning/solver.js';
import { line } from './planning-fixtures.js';

/**
 * The plan checker is the tests' and the benchmark's referee: it must catch every broken
 * constraint on its own, from the routes and the problem, whatever the planner says.
 */
const problem: Problem = {
  ...line(6),
  vehicles: [
    {
      id: 'alice',
      start: 0,
      end: 0,
      shift: { start: 0, end: 200 },
      capacity: [10, 20],
      skills: ['cold'],
      breaks: [{ id: 'lunch', earliest: 50, latest: 60, duration: 10 }],
      reload: { service: 5, max: 1 },
    },
    { id: 'bob', start: 0, end: 0, shift: { start: 0, end: 200 }, capacity: [10, 20], fixed: [{ job: 'started', stop: 'pickup' }] },
  ],
  jobs: [
    { type: 'delivery', id: 'd1', stop: { place: 1, service: 2, window: { earliest: 0, latest: 100 } }, amount: [6, 5] },
    { type: 'delivery', id: 'd2', stop: { place: 2, service: 2 }, amount: [6, 5] },
    { type: 'pickup', id: 'collect', stop: { place: 3 }, amount: [3, 18] },
    { type: 'shipment', id: 'ship', pickup: { place: 4 }, delivery: { place: 5, window: { earliest: 0, latest: 150 } }, amount: [1, 1], skills: ['cold'] },
    { type: 'shipment', id: 'started', pickup: { place: 5, window: { earliest: 0, latest: 0 } }, delivery: { place: 1 }, amount: [1, 1] },
  ],
  objective: { cost: 'distance' },
};

type Stop = CheckablePlan['routes'][number]['steps'][number];
const s = (type: Stop['type'], job?: string): Stop => (job === undefined ? { type } : { type, job });
const lunch: Stop = { type: 'break', break: 'lunch' };
const plan = (alice: Stop[], bob: Stop[] = [s('pickup', 'started'), s('delivery', 'started')], unassigned: string[] = []): CheckablePlan => ({
  routes: [
    { vehicle: 'alice', steps: [s('start'), ...alice, s('end')] },
    { vehicle: 'bob', steps: [s('start'), ...bob, s('end')] },
  ],
  unassigned: unassigned.map((job) => ({ job })),
});
const errors = (candidate: CheckablePlan) => checkPlan(problem, candidate).errors.join('\n');

/** Feasible: d1, lunch, reload, d2, the shipment, the collection (unloaded at the end). */
const good: Stop[] = [s('delivery', 'd1'), lunch, { type: 'reload' }, s('delivery', 'd2'), s('pickup', 'ship'), s('delivery', 'ship'), s('pickup', 'collect')];

describe('the plan checker', () => {
  it('accepts a feasible hand-made plan and recomputes its figures', () => {
    const check = checkPlan(problem, plan(good));
    expect(check.errors).toEqual([]);
    expect(check).toMatchObject({ feasible: true, served: 5, vehicles: 2 });
    // alice: 0→1→(lunch)→0→2→4→5→3→0 = 10+10+20+20+10+20+30, bob: 0→5→1→0 = 50+40+10.
    expect(check.distance).toBe(120 + 100);
  });

  it('agrees with the planner on every figure it reports', () => {
    const planned = solve(problem, { iterations: 100 });
    expect(checkPlan(problem, planned).errors).toEqual([]);
    expect(planned.summary.served).toBe(5);
  });

  it('capacity in every dimension: hub deliveries loaded together without a reload, a collection on top of them', () => {
    expect(errors(plan([s('delivery', 'd1'), lunch, s('delivery', 'd2'), s('pickup', 'ship'), s('delivery', 'ship'), s('pickup', 'collect')]))).toMatch(/load 12 in dimension 0 after the start, capacity 10/);
    expect(errors(plan([s('pickup', 'collect'), s('delivery', 'd1'), lunch, { type: 'reload' }, s('delivery', 'd2'), s('pickup', 'ship'), s('delivery', 'ship')]))).toMatch(/load 23 in dimension 1 after job collect/);
  });

  it('windows, breaks, shifts', () => {
    // d2 at 20 (till 22), ship at 42 and 52, the collection at 72: lunch would start at 72.
    expect(errors(plan([s('delivery', 'd2'), s('pickup', 'ship'), s('delivery', 'ship'), s('pickup', 'collect'), lunch, { type: 'reload' }, s('delivery', 'd1')]))).toMatch(/break lunch starts at 72, after 60/);
    expect(errors(plan(good.filter((step) => step.type !== 'break')))).toMatch(/break lunch not taken/);
    expect(errors(plan([...good, lunch]))).toMatch(/break lunch taken twice/);
    const short: Problem = { ...problem, vehicles: problem.vehicles.map((vehicle) => (vehicle.id === 'alice' ? { ...vehicle, shift: { start: 0, end: 100 } } : vehicle)) };
    expect(checkPlan(short, plan(good)).errors.join()).toMatch(/back at 1\d\d(\.\d+)?, after its shift ends \(100\)/);
    const tight: Problem = { ...problem, jobs: problem.jobs.map((job) => (job.id === 'ship' && job.type === 'shipment' ? { ...job, delivery: { ...job.delivery, window: { earliest: 0, latest: 100 } } } : job)) };
    expect(checkPlan(tight, plan(good)).errors.join()).toMatch(/job ship \(delivery\) starts at 1\d\d, after 100/);
  });

  it('pairs: pickup first, both on one route, each stop once', () => {
    expect(errors(plan([s('delivery', 'd1'), lunch, { type: 'reload' }, s('delivery', 'd2'), s('delivery', 'ship'), s('pickup', 'ship'), s('pickup', 'collect')]))).toMatch(/job ship delivered before \(or without\) its pickup/);
    expect(errors(plan([...good, s('delivery', 'd1')]))).toMatch(/job d1 served twice/);
    expect(errors(plan(good, [s('pickup', 'started'), s('delivery', 'started'), s('delivery', 'd1')]))).toMatch(/job d1 served twice/);
  });

  it('skills, reloads, fixed prefixes, the unassigned list', () => {
    expect(errors(plan(good.filter((step) => step.job !== 'ship'), [s('pickup', 'started'), s('pickup', 'ship'), s('delivery', 'ship'), s('delivery', 'started')]))).toMatch(/bob: lacks a skill job ship needs/);
    expect(errors(plan([...good.slice(0, 3), { type: 'reload' }, ...good.slice(3)]))).toMatch(/more than 1 reloads/);
    expect(errors(plan(good, [s('delivery', 'd9')]))).toMatch(/unknown job d9/);
    expect(errors(plan(good, [s('pickup', 'collect')], []))).toMatch(/fixed stop 1 .* is not kept in place/);
    expect(errors(plan(good.filter((step) => step.job !== 'd2')))).toMatch(/job d2 neither served nor listed as unassigned/);
    expect(errors(plan(good.filter((step) => step.job !== 'd2'), undefined, ['d2']))).toBe('');
    expect(errors(plan(good, undefined, ['d2']))).toMatch(/job d2 both served and unassigned/);
  });

  it('a fixed stop is done: its window no longer applies', () => {
    // bob's fixed pickup has a window closed at 0; it is kept, and checked as done.
    expect(errors(plan(good))).toBe('');
  });

  it('reported figures that do not match the routes are errors', () => {
    const planned = solve(problem, { iterations: 50 });
    const route = planned.routes[0] as (typeof planned.routes)[number];
    const step = route.steps[1] as (typeof route.steps)[number];
    const forged = { ...planned, routes: [{ ...route, steps: [route.steps[0], { ...step, arrival: step.arrival - 5, load: step.load.map((value) => value - 1) }, ...route.steps.slice(2)] }, ...planned.routes.slice(1)] } as typeof planned;
    const found = checkPlan(problem, forged).errors.join('\n');
    expect(found).toMatch(/reported at/);
    expect(found).toMatch(/reports load/);
    expect(checkPlan(problem, { ...planned, summary: { ...planned.summary, served: 99 } }).errors.join()).toMatch(/the summary says 99 jobs served/);
  });
});
