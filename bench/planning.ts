/**
 * Issue 17: the route planner against the literature, and on a day of the cooperative.
 *
 * - Solomon's VRPTW instances (100 customers), distance objective, 5 s each; Li & Lim's PDPTW
 *   instances (about 100 tasks), vehicles first then distance, 10 s each: every instance of
 *   `../shared/benchmarks/vrp/` (read from there, never copied; the section says so and is
 *   skipped when the folder is absent), one after the other on one core, as `npm run solve`
 *   solves them. Every solution is checked by the independent checker (`shared/planning/check.ts`)
 *   against the instance as parsed from its file; the gap is to the best-known solution of
 *   `best-known.json` (Solomon: `distance_only`; Li & Lim: `vehicles_first`).
 * - A synthetic day of the cooperative (`shared/planning/synthetic.ts`: 120 stops, 6 couriers,
 *   kg and litres, slots, breaks, reloads at the hub), planned with a time limit of 8 s, checked by
 *   the plan checker.
 *
 * Alone: `BENCH_SECTIONS=planning npm run bench` (the partial report goes to the temporary
 * folder), or `npx tsx bench/planning.ts`, which prints the section. `BENCH_PLANNING_INSTANCES`
 * (comma-separated names or prefixes, e.g. `C1,lr2,day`) picks instances, `BENCH_PLANNING_SCALE`
 * scales the time limits (0.2 for a quick look; the targets are for 1), `BENCH_PLANNING_SEED`
 * sets the seed (1), `BENCH_PLANNING_DIR` the instances' folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkInstanceSolution, checkPlan } from '../shared/planning/check.js';
import { instanceProblem, instanceRoutes, parseBestKnown, parseInstance, type BestKnown, type Instance } from '../shared/planning/instances.js';
import { solve } from '../shared/planning/solver.js';
import { syntheticDay } from '../shared/planning/synthetic.js';
import { table } from './report.js';
import type { Check, OfflineContext, OfflineSection, SectionResult } from './section.js';

/** Issue 17's targets. */
const SOLOMON_SECONDS = 5;
const SOLOMON_GAP = 1.5;
const LI_LIM_SECONDS = 10;
const LI_LIM_GAP = 3;
const DAY_LIMIT_SECONDS = 8;
const DAY_TARGET_SECONDS = 10;

export const DEFAULT_INSTANCES_DIR = fileURLToPath(new URL('../../shared/benchmarks/vrp/', import.meta.url));

interface Row {
  name: string;
  vehicles: number;
  distance: number;
  known?: { vehicles: number; distance: number };
  gap?: number;
  /** Seconds to the returned solution, and the whole run. */
  bestAt: number;
  elapsed: number;
  iterations: number;
  feasible: boolean;
  complete: boolean;
  errors: string[];
}

const selected = (name: string, filter: string[] | undefined) => !filter || filter.some((item) => name.toLowerCase().startsWith(item.toLowerCase()));

function solveInstance(instance: Instance, known: BestKnown | undefined, seconds: number, seed: number): Row {
  const started = performance.now();
  const problem = instanceProblem(instance);
  const plan = solve(problem, { seed, timeLimitMs: seconds * 1000, now: () => performance.now() - started });
  const elapsed = (performance.now() - started) / 1000;
  const routes = instanceRoutes(instance, plan);
  const check = checkInstanceSolution(instance, routes);
  const reference = instance.format === 'solomon' ? known?.distanceOnly : known?.vehiclesFirst;
  return {
    name: instance.name,
    vehicles: check.vehicles,
    distance: check.distance,
    ...(reference ? { known: reference, gap: (check.distance / reference.distance - 1) * 100 } : {}),
    bestAt: plan.stats.bestAtMs / 1000,
    elapsed,
    iterations: plan.stats.iterations,
    feasible: check.feasible,
    complete: check.complete,
    errors: check.errors,
  };
}

const mean = (values: number[]) => (values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length);
const pct = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '–' : `${value >= 0 ? '+' : ''}${value.toFixed(2)} %`);

function familyTable(rows: Row[]): string {
  return table(
    ['instance', 'vehicles', 'best-known vehicles', 'distance', 'best-known distance', 'gap', 'time to result', 'run', 'iterations', 'checked'],
    [
      ...rows.map((row) => [
        row.name,
        String(row.vehicles),
        row.known ? String(row.known.vehicles) : '–',
        row.distance.toFixed(2),
        row.known ? row.known.distance.toFixed(2) : '–',
        pct(row.gap),
        `${row.bestAt.toFixed(2)} s`,
        `${row.elapsed.toFixed(2)} s`,
        String(row.iterations),
        row.feasible && row.complete ? 'feasible' : `**${row.feasible ? 'incomplete' : 'INFEASIBLE'}**`,
      ]),
      [
        '**average**',
        mean(rows.map((row) => row.vehicles)).toFixed(2),
        mean(rows.flatMap((row) => (row.known ? [row.known.vehicles] : []))).toFixed(2),
        mean(rows.map((row) => row.distance)).toFixed(2),
        mean(rows.flatMap((row) => (row.known ? [row.known.distance] : []))).toFixed(2),
        `**${pct(mean(rows.flatMap((row) => (row.gap === undefined ? [] : [row.gap]))))}**`,
        `${mean(rows.map((row) => row.bestAt)).toFixed(2)} s`,
        `${mean(rows.map((row) => row.elapsed)).toFixed(2)} s`,
        mean(rows.map((row) => row.iterations)).toFixed(0),
        `${rows.filter((row) => row.feasible && row.complete).length}/${rows.length}`,
      ],
    ],
  );
}

export interface PlanningBenchOptions {
  dir?: string;
  /** Names or prefixes (case-insensitive); `day` for the synthetic day. */
  instances?: string[];
  /** Multiplies the time limits. */
  scale?: number;
  seed?: number;
}

export async function runPlanningBench(context: OfflineContext, options: PlanningBenchOptions = {}): Promise<SectionResult> {
  const dir = options.dir ?? DEFAULT_INSTANCES_DIR;
  const scale = options.scale ?? 1;
  const seed = options.seed ?? 1;
  const filter = options.instances;
  const checks: Check[] = [];
  const failures: string[] = [];
  const parts: string[] = [
    `Every instance is solved by the planner of \`shared/planning/\` with seed ${seed}, one after the other on one core, as \`npm run solve -- FILE --seconds S\` solves it, and checked by the independent checker against the instance as read from its file. Distances are Euclidean in double precision; the gap is to the best-known solution (Solomon: distance only, vehicles unlimited; Li & Lim: vehicles first, then distance). "Time to result": when the search found the solution it returned; "run": the whole call, time limit ${scale === 1 ? 'as targeted' : `× ${scale}`}.`,
  ];

  const families: Array<{ folder: string; label: string; seconds: number }> = [
    { folder: 'solomon', label: 'Solomon (VRPTW)', seconds: SOLOMON_SECONDS * scale },
    { folder: 'li-lim-100', label: 'Li & Lim (PDPTW)', seconds: LI_LIM_SECONDS * scale },
  ];
  const knownFile = join(dir, 'best-known.json');
  const known = existsSync(knownFile) ? parseBestKnown(readFileSync(knownFile, 'utf8')) : new Map<string, BestKnown>();
  const results = new Map<string, Row[]>();
  for (const family of families) {
    const folder = join(dir, family.folder);
    if (!existsSync(folder)) {
      parts.push('', `**${family.label}: skipped**, the instances are not there (\`${folder}\`).`);
      context.progress(`planning: ${family.label} skipped (no ${folder})`);
      continue;
    }
    const files = readdirSync(folder)
      .filter((file) => file.toLowerCase().endsWith('.txt'))
      .sort()
      .filter((file) => selected(file.replace(/\.txt$/i, ''), filter));
    const rows: Row[] = [];
    for (const file of files) {
      const instance = parseInstance(readFileSync(join(folder, file), 'utf8'), file.replace(/\.txt$/i, ''));
      const row = solveInstance(instance, known.get(instance.name.toLowerCase()), family.seconds, seed);
      rows.push(row);
      context.progress(`planning: ${row.name} ${row.vehicles} vehicles, ${row.distance.toFixed(2)} (${pct(row.gap)}), at ${row.bestAt.toFixed(2)} s${row.feasible && row.complete ? '' : ' NOT FEASIBLE'}`);
      if (!row.feasible) failures.push(`planning: ${row.name}'s solution is infeasible: ${row.errors.slice(0, 3).join('; ')}`);
      else if (!row.complete) failures.push(`planning: ${row.name}'s solution leaves customers out`);
    }
    if (rows.length === 0) continue;
    results.set(family.folder, rows);
    parts.push('', `### ${family.label}, ${family.seconds} s per instance`, '', familyTable(rows));
  }

  const solomon = results.get('solomon');
  if (solomon) {
    const gap = mean(solomon.flatMap((row) => (row.gap === undefined ? [] : [row.gap])));
    const allFeasible = solomon.every((row) => row.feasible && row.complete);
    checks.push({ text: `planning, Solomon (${solomon.length} instances), distance objective: average gap ≤ ${SOLOMON_GAP} % within ${SOLOMON_SECONDS * scale} s per instance (${pct(gap)}), every solution feasible`, met: gap <= SOLOMON_GAP && allFeasible && scale <= 1 });
  }
  const liLim = results.get('li-lim-100');
  if (liLim) {
    const gap = mean(liLim.flatMap((row) => (row.gap === undefined ? [] : [row.gap])));
    const served = liLim.every((row) => row.feasible && row.complete);
    const withinOne = liLim.filter((row) => row.known && row.vehicles <= row.known.vehicles + 1).length;
    checks.push({
      text: `planning, Li & Lim (${liLim.length} instances): every request served, vehicles within one of the best known (${withinOne}/${liLim.length}), average gap ≤ ${LI_LIM_GAP} % within ${LI_LIM_SECONDS * scale} s (${pct(gap)})`,
      met: served && withinOne === liLim.length && gap <= LI_LIM_GAP && scale <= 1,
    });
  }

  if (selected('day', filter)) {
    const day = syntheticDay(seed);
    const started = performance.now();
    const plan = solve(day.problem, { seed, timeLimitMs: DAY_LIMIT_SECONDS * scale * 1000, now: () => performance.now() - started });
    const seconds = (performance.now() - started) / 1000;
    const check = checkPlan(day.problem, plan);
    const reloads = plan.routes.reduce((sum, route) => sum + route.steps.filter((step) => step.type === 'reload').length, 0);
    const breaks = plan.routes.reduce((sum, route) => sum + route.steps.filter((step) => step.type === 'break').length, 0);
    const hhmm = (seconds_: number) => `${String(Math.floor(seconds_ / 3600)).padStart(2, '0')}:${String(Math.floor((seconds_ % 3600) / 60)).padStart(2, '0')}`;
    parts.push(
      '',
      `### A day of the cooperative (synthetic, seed ${seed})`,
      '',
      `${day.stops} stops (${day.problem.jobs.filter((job) => job.type === 'shipment').length} shop-to-customer deliveries, ${day.problem.jobs.filter((job) => job.type === 'delivery').length} parcels from the hub, ${day.problem.jobs.filter((job) => job.type === 'pickup').length} collections for the hub) around the hub in Saint-Étienne, ${day.problem.vehicles.length} couriers (shifts, lunch and short breaks, kg and litres, one trailer), two-hour slots, travel at 15 km/h over the great circle × 1.3. Planned in ${seconds.toFixed(2)} s (time limit ${DAY_LIMIT_SECONDS * scale} s, best plan found at ${(plan.stats.bestAtMs / 1000).toFixed(2)} s, ${plan.stats.iterations} iterations): ${plan.summary.served}/${day.problem.jobs.length} jobs served, ${plan.summary.vehicles} couriers, ${(plan.summary.distance / 1000).toFixed(1)} km, ${(plan.summary.travelTime / 3600).toFixed(2)} h of riding, ${reloads} reloads at the hub, ${breaks} breaks; ${check.feasible ? 'feasible per the plan checker' : `**infeasible**: ${check.errors.slice(0, 3).join('; ')}`}.`,
      '',
      table(
        ['courier', 'stops', 'reloads', 'leaves', 'back', 'km', 'riding', 'largest load (kg, L)'],
        plan.routes.map((route) => {
          const stops = route.steps.filter((step) => step.type === 'pickup' || step.type === 'delivery').length;
          const largest = route.steps.reduce((most, step) => most.map((value, d) => Math.max(value, step.load[d] ?? 0)), [0, 0]);
          return [
            route.vehicle,
            String(stops),
            String(route.steps.filter((step) => step.type === 'reload').length),
            hhmm(route.steps[0]?.departure ?? 0),
            hhmm(route.steps[route.steps.length - 1]?.arrival ?? 0),
            (route.distance / 1000).toFixed(1),
            `${Math.round(route.travelTime / 60)} min`,
            largest.join(', '),
          ];
        }),
      ),
    );
    checks.push({ text: `planning, a day of the cooperative (${day.stops} stops, ${day.problem.vehicles.length} couriers, slots, breaks, multi-trip) planned in under ${DAY_TARGET_SECONDS} s (${seconds.toFixed(2)} s), every job served (${plan.summary.served}/${day.problem.jobs.length}), feasible`, met: seconds < DAY_TARGET_SECONDS && check.feasible && plan.unassigned.length === 0 });
    if (!check.feasible) failures.push(`planning: the day's plan is infeasible: ${check.errors.slice(0, 3).join('; ')}`);
    context.progress(`planning: the day, ${plan.summary.served}/${day.problem.jobs.length} served in ${seconds.toFixed(2)} s`);
  }
  return { title: 'Route planning (issue 17)', markdown: parts.join('\n'), checks, failures };
}

const listOption = (value: string | undefined) => value?.split(',').map((item) => item.trim()).filter((item) => item !== '');

export const planningSection: OfflineSection = {
  id: 'planning',
  title: 'Route planning (issue 17)',
  run: (context) =>
    runPlanningBench(context, {
      ...(process.env.BENCH_PLANNING_DIR ? { dir: process.env.BENCH_PLANNING_DIR } : {}),
      ...(listOption(process.env.BENCH_PLANNING_INSTANCES) ? { instances: listOption(process.env.BENCH_PLANNING_INSTANCES) as string[] } : {}),
      ...(process.env.BENCH_PLANNING_SCALE ? { scale: Number(process.env.BENCH_PLANNING_SCALE) } : {}),
      ...(process.env.BENCH_PLANNING_SEED ? { seed: Number(process.env.BENCH_PLANNING_SEED) } : {}),
    }),
};

// `npx tsx bench/planning.ts`: the section alone, printed.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await planningSection.run({ progress: (message) => process.stderr.write(`${message}\n`) });
  process.stdout.write(`## ${result.title}\n\n${result.markdown}\n\n${result.checks.map((check) => `- ${check.met ? 'met' : 'NOT MET'}: ${check.text}`).join('\n')}\n`);
  if (result.failures.length > 0) {
    process.stderr.write(`${result.failures.join('\n')}\n`);
    process.exitCode = 1;
  }
}
