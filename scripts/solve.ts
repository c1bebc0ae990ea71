/**
 * `npm run solve -- FILE [--seconds S] [--seed N]`: solves one Solomon (VRPTW) or Li & Lim
 * (PDPTW) instance file, as written in `../shared/benchmarks/vrp/`, and prints one JSON object on
 * stdout:
 *
 *     {"vehicles": n, "distance": d, "routes": [[node numbers in visiting order, depot left out], …]}
 *
 * Nothing else goes to stdout (progress, with `--verbose`, and errors go to stderr; note that
 * `npm run` itself prints a banner before the script: `npm run -s solve -- …` leaves it out).
 *
 * Options:
 *   --seconds S     time limit, counted from the start of this process (default: 5 for a Solomon
 *                   file, 10 for a Li & Lim file: the benchmark's budgets)
 *   --seed N        seed of the search (default 1)
 *   --iterations N  an iteration budget instead of the one derived from the time limit (the
 *                   same seed and budget give the same routes, the time limit permitting)
 *   --objective distance|vehicles
 *                   distance only, or vehicles first then distance (default: distance for
 *                   Solomon, whose distance-only best-known solutions are the reference;
 *                   vehicles for Li & Lim, as their best-known solutions)
 *   --verbose       progress on stderr
 * Exit codes: 0 solved (every route checked by the independent checker); 1 the check failed;
 * 2 bad arguments or a file that cannot be read as an instance.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { checkInstanceSolution } from '../shared/planning/check.js';
import { InstanceFormatError, instanceProblem, instanceRoutes, parseInstance } from '../shared/planning/instances.js';
import { solve } from '../shared/planning/solver.js';

const usage = 'usage: npm run solve -- FILE [--seconds S] [--seed N] [--iterations N] [--objective distance|vehicles] [--verbose]';

function fail(message: string): never {
  process.stderr.write(`solve: ${message}\n${usage}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let file: string | undefined;
let seconds: number | undefined;
let seed = 1;
let iterations: number | undefined;
let objective: 'distance' | 'vehicles' | undefined;
let verbose = false;
for (let i = 0; i < args.length; i += 1) {
  const arg = args[i] as string;
  const value = () => {
    const next = args[i + 1];
    if (next === undefined) fail(`${arg} needs a value`);
    i += 1;
    return next;
  };
  if (arg === '--seconds') {
    seconds = Number(value());
    if (!Number.isFinite(seconds) || seconds <= 0) fail('--seconds must be a positive number');
  } else if (arg === '--seed') {
    seed = Number(value());
    if (!Number.isInteger(seed)) fail('--seed must be an integer');
  } else if (arg === '--iterations') {
    iterations = Number(value());
    if (!Number.isInteger(iterations) || iterations < 0) fail('--iterations must be a non-negative integer');
  } else if (arg === '--objective') {
    const choice = value();
    if (choice !== 'distance' && choice !== 'vehicles') fail('--objective must be distance or vehicles');
    objective = choice;
  } else if (arg === '--verbose') verbose = true;
  else if (arg === '--help' || arg === '-h') {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  } else if (arg.startsWith('--')) fail(`unknown option ${arg}`);
  else if (file === undefined) file = arg;
  else fail(`one file at a time (got ${file} and ${arg})`);
}
if (file === undefined) fail('no instance file given');

let text: string;
try {
  text = readFileSync(file, 'utf8');
} catch (error) {
  fail(`cannot read ${file}: ${(error as Error).message}`);
}
let instance;
try {
  instance = parseInstance(text, basename(file, extname(file)));
} catch (error) {
  if (error instanceof InstanceFormatError) fail(error.message);
  throw error;
}
if (instance.nodes.length < 2) fail(`${file}: no customer`);

const limitSeconds = seconds ?? (instance.format === 'solomon' ? 5 : 10);
const problem = instanceProblem(instance, objective === undefined ? {} : { minimiseVehicles: objective === 'vehicles' });
// The limit counts from the start of the process (performance.now's origin), with a margin to
// write the answer; the budget, from the limit less a fixed allowance for starting (not the
// actual start's duration, so that the same seed and limit give the same routes).
const STARTUP_ALLOWANCE_MS = 800;
const timeLimitMs = Math.max(1, limitSeconds * 1000 - performance.now() - 50);
const plan = solve(problem, {
  seed,
  ...(iterations !== undefined ? { iterations } : {}),
  timeLimitMs,
  budgetMs: Math.max(1, limitSeconds * 1000 - STARTUP_ALLOWANCE_MS),
  now: () => performance.now(),
  ...(verbose ? { onImprove: (p) => process.stderr.write(`[${(p.elapsedMs / 1000).toFixed(2)} s] iteration ${p.iteration}: ${p.served} served, ${p.vehicles} vehicles, ${p.cost.toFixed(2)}\n`) } : {}),
});
const routes = instanceRoutes(instance, plan);
const check = checkInstanceSolution(instance, routes);
if (verbose) {
  const { iterations: done, work, budget, bestIteration, bestAtMs, clockBound, elapsedMs } = plan.stats;
  process.stderr.write(
    `${instance.name}: ${done} iterations, ${work} work units of ${budget}${iterations === undefined ? '' : ' iterations'} in ${(elapsedMs / 1000).toFixed(2)} s, best at iteration ${bestIteration} (${(bestAtMs / 1000).toFixed(2)} s); ${clockBound ? 'the clock cut the schedule short (a slow or busy machine): another run may differ' : 'deterministic for this seed and time limit'}\n`,
  );
}
process.stdout.write(`${JSON.stringify({ vehicles: check.vehicles, distance: check.distance, routes })}\n`);
if (!check.feasible || !check.complete) {
  process.stderr.write(`solve: the independent check ${check.feasible ? 'found unserved customers' : `failed: ${check.errors.slice(0, 5).join('; ')}`}\n`);
  process.exit(1);
}
