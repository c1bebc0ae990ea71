import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { quoteBody } from './fixtures.js';
import type { ApiRequest } from './harness.js';
import { describeCalls, type DynamoCall } from './instrument.js';
import type { LoadJob, LoadResult } from './load-client.js';
import { table } from './report.js';
import type { BenchContext, Check, Section, SectionResult } from './section.js';
import { ms, summarize, type Summary } from './stats.js';

/** Seconds of load per route (`BENCH_LOAD_SECONDS`); its bare DynamoDB call gets as much, half before the route and half after. */
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 8);
/** Requests in flight (`BENCH_LOAD_CONNECTIONS`). */
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 10);
/** Unrecorded load before each measurement (fresh connections, JIT). */
const WARMUP_SECONDS = 1;
/** Issue 7: the API's p50 under twice the bare DynamoDB call's. */
const MAX_RATIO = 2;

interface Route {
  label: string;
  request: string;
  api: ApiRequest;
  status: number;
}

const CLIENT = fileURLToPath(new URL('./load-client.ts', import.meta.url));

/** Runs one job in a child process (the same `node` and loader as this one: tsx). */
function runJob(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, CLIENT], {
      env: { ...process.env, BENCH_LOAD_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), (job.seconds + job.warmupSeconds + 60) * 1000);
    child.once('error', reject);
    // `close`, not `exit`: the child's output may still be in the pipe when it exits.
    child.once('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('__LOAD__'));
      if (!line) {
        reject(new Error(`load generator exited ${code} without a result: ${stderr.slice(-500)}`));
        return;
      }
      try {
        resolve(JSON.parse(line.slice('__LOAD__'.length)) as LoadResult);
      } catch (error) {
        reject(new Error(`load generator: unreadable result (${String(error)})`));
      }
    });
  });
}

const ratioText = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)}×` : '—');

/** The commands the load client can replay bare. */
const REPLAYABLE = new Set(['GetItem', 'Query', 'PutItem']);

interface Measured {
  route: Route;
  calls: DynamoCall[];
  result: LoadResult;
  summary: Summary;
  /** The route's own DynamoDB call made bare, half before the route's run and half after (pooled). */
  bare?: { command: string; result: LoadResult; summary: Summary; before: Summary; after: Summary };
}

/**
 * Throughput and latency of the main routes under a load generator (`autocannon`, in its own
 * process) against the local runtime. Each route that makes one DynamoDB call is run between two
 * halves of that very call made bare (the low-level input the route sent, replayed from another
 * process with as many in flight): the route's p50 over the bare call's p50 is the API's own
 * overhead. The `get` route's bare call is the bare GetItem every route is also compared with.
 */
export const loadSection: Section = {
  id: 'load',
  title: 'Latency and throughput under load',
  async run(context: BenchContext): Promise<SectionResult> {
    const { api, fixtures } = context;
    const { runtime } = api;
    const failures: string[] = [];
    const deliveryId = await fixtures.book();
    await runtime.settle();

    const routes: Route[] = [
      { label: 'get', request: 'GET /v1/deliveries/{id} (tenant)', api: fixtures.asTenant({ method: 'GET', path: `/v1/deliveries/${deliveryId}` }), status: 200 },
      { label: 'health', request: 'GET /health', api: { method: 'GET', path: '/health', key: null }, status: 200 },
      { label: 'list', request: 'GET /v1/deliveries?limit=20 (tenant)', api: fixtures.asTenant({ method: 'GET', path: '/v1/deliveries?limit=20' }), status: 200 },
      { label: 'quote', request: 'POST /v1/quotes (tenant)', api: fixtures.asTenant({ method: 'POST', path: '/v1/quotes', body: quoteBody() }), status: 201 },
    ];
    // Every request of the runs must answer as expected: two first, untimed; the second's DynamoDB
    // calls are what each request of the run makes in steady state (caches warm), and what is replayed bare.
    const roundTrips = new Map<Route, DynamoCall[]>();
    for (const route of routes) {
      await api.expect(route.api, route.status);
      roundTrips.set(route, (await context.recorder.during(() => api.expect(route.api, route.status))).calls);
    }
    await runtime.settle();

    const bareJob = (call: DynamoCall, seconds: number): LoadJob => ({
      kind: 'dynamodb',
      endpoint: runtime.dynamoDbEndpoint,
      region: process.env.AWS_REGION ?? 'eu-west-3',
      command: call.command as 'GetItem' | 'Query' | 'PutItem',
      input: call.input,
      ...(call.command === 'PutItem' ? { freshKey: 'pk' } : {}),
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SECONDS,
      seconds,
    });
    const httpJob = (route: Route): LoadJob => {
      const headers: Record<string, string> = {};
      if (route.api.key !== null) headers.authorization = `Bearer ${route.api.key}`;
      if (route.api.body !== undefined) headers['content-type'] = 'application/json';
      return {
        kind: 'http',
        url: runtime.apiUrl + route.api.path,
        method: route.api.method === 'GET' ? 'GET' : 'POST',
        headers,
        ...(route.api.body !== undefined ? { body: JSON.stringify(route.api.body) } : {}),
        expectStatus: route.status,
        connections: CONNECTIONS,
        warmupSeconds: WARMUP_SECONDS,
        seconds: SECONDS,
      };
    };

    const check = (label: string, result: LoadResult) => {
      const unexpected = Object.entries(result.unexpected);
      if (unexpected.length > 0) failures.push(`load, ${label}: unexpected answers ${unexpected.map(([status, count]) => `${status} ×${count}`).join(', ')}`);
      if (result.errors > 0) failures.push(`load, ${label}: ${result.errors} errors (connection errors or timeouts)`);
    };

    const measured: Measured[] = [];
    for (const route of routes) {
      const calls = roundTrips.get(route) ?? [];
      const replay = calls.length === 1 && REPLAYABLE.has(calls[0]!.command) ? calls[0] : undefined;
      let before: LoadResult | undefined;
      if (replay) {
        context.progress(`load: bare ${replay.command} of ${route.label}, ${SECONDS / 2} s, ${CONNECTIONS} in flight`);
        before = await runJob(bareJob(replay, SECONDS / 2));
        check(`bare ${replay.command} of ${route.label} (before)`, before);
      }
      context.progress(`load: ${route.request}, ${SECONDS} s, ${CONNECTIONS} connections`);
      const result = await context.recorder.quietly(() => runJob(httpJob(route)));
      check(route.request, result);
      await runtime.settle();
      let bare: Measured['bare'];
      if (replay && before) {
        context.progress(`load: bare ${replay.command} of ${route.label} again, ${SECONDS / 2} s`);
        const after = await runJob(bareJob(replay, SECONDS / 2));
        check(`bare ${replay.command} of ${route.label} (after)`, after);
        const pooled: LoadResult = { ...after, times: [...before.times, ...after.times], elapsedSeconds: before.elapsedSeconds + after.elapsedSeconds };
        bare = { command: replay.command, result: pooled, summary: summarize(pooled.times), before: summarize(before.times), after: summarize(after.times) };
      }
      measured.push({ route, calls, result, summary: summarize(result.times), ...(bare ? { bare } : {}) });
    }

    const getItem = measured.find((entry) => entry.bare?.command === 'GetItem')?.bare;
    if (!getItem) throw new Error('load: the get route made no single GetItem to replay');
    /** The route's own bare call, or (no DynamoDB call: health) the bare GetItem. */
    const reference = (entry: Measured) => entry.bare ?? getItem;
    const referenceName = (entry: Measured) => (entry.bare ? `its own ${entry.bare.command} made bare` : 'the bare GetItem');
    const checks: Check[] = measured.map((entry) => {
      const ratio = entry.summary.p50 / reference(entry).summary.p50;
      return {
        text:
          `under load (${CONNECTIONS} connections): ${entry.route.request} p50 under ${MAX_RATIO}× ${referenceName(entry)} (${ratioText(ratio)}` +
          (entry.bare && entry.bare !== getItem ? `; ${ratioText(entry.summary.p50 / getItem.summary.p50)} the bare GetItem)` : ')'),
        met: ratio < MAX_RATIO,
      };
    });

    const rate = (count: number, seconds: number) => (seconds > 0 ? (count / seconds).toFixed(0) : '—');
    const percentiles = (summary: Summary) => [ms(summary.p50), ms(summary.p90), ms(summary.p99), ms(summary.max)];
    const rows = measured.flatMap((entry) => {
      const ref = reference(entry);
      const ratio = entry.summary.p50 / ref.summary.p50;
      const routeRow = [
        entry.route.label,
        `\`${entry.route.request}\``,
        `${entry.calls.length}: ${describeCalls(entry.calls)}`,
        String(entry.result.times.length),
        rate(entry.result.times.length, entry.result.elapsedSeconds),
        ...percentiles(entry.summary),
        `${ratioText(ratio)}${entry.bare ? '' : ' (of the GetItem)'}`,
        ratio < MAX_RATIO ? 'yes' : '**no**',
        ratioText(entry.summary.p50 / getItem.summary.p50),
        entry.result.autocannon ? `${entry.result.autocannon.p50} / ${entry.result.autocannon.p99}` : '—',
      ];
      if (!entry.bare) return [routeRow];
      const bareRow = [
        `↳ bare ${entry.bare.command}`,
        `the ${entry.route.label} route's \`${entry.bare.command}\`, from the SDK to DynamoDB Local${entry.bare.command === 'PutItem' ? ' (a new key each time)' : ''}`,
        `1: ${entry.bare.command}`,
        String(entry.bare.summary.n),
        rate(entry.bare.summary.n, entry.bare.result.elapsedSeconds),
        ...percentiles(entry.bare.summary),
        '1.0×',
        '—',
        ratioText(entry.bare.summary.p50 / getItem.summary.p50),
        `before ${ms(entry.bare.before.p50)}, after ${ms(entry.bare.after.p50)}`,
      ];
      return [routeRow, bareRow];
    });

    const markdown = [
      `Each route for ${SECONDS} s with ${CONNECTIONS} connections (keep-alive, one request in flight per connection) after ${WARMUP_SECONDS} s of unrecorded warm-up, ` +
        'from `autocannon` run in a process of its own (so generating load does not share the API\'s event loop; all share the 2 cores). The percentiles ' +
        'are computed from every response time autocannon reports (its own summary rounds to whole milliseconds: its p50/p99 are in the last column, to cross-check). ' +
        `A route that makes one DynamoDB call is measured between two halves (${SECONDS / 2} s before, ${SECONDS / 2} s after, pooled) of **that same call made bare**: ` +
        'the low-level input the route sent, recorded in steady state, replayed by the SDK from another process with as many in flight (a PutItem gets a new key each time). ' +
        'The route\'s p50 over its bare call\'s p50 is the API\'s own overhead (HTTP, middy, authentication from the key cache, validation, the handler, serialisation): ' +
        `the target is under ${MAX_RATIO}×. The \`get\` route's bare call is the bare GetItem; every route is also shown against it (\`health\`, with no DynamoDB call, is held to it). ` +
        'During a route\'s run the benchmark\'s round-trip recorder only counts calls (and Scans): it does not mark each request\'s async context ' +
        '(an `AsyncLocalStorage`, whose hooks slow every promise) nor copy each call, so the API runs as it would in Lambda. ' +
        'Only answers with the expected status count; any other fails the bench.',
      '',
      table(
        ['route', 'request', 'DynamoDB round trips (steady state)', 'requests', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'p50 ÷ its bare call\'s p50', `< ${MAX_RATIO}×`, 'p50 ÷ bare GetItem p50', 'autocannon p50 / p99 ms (bare: p50 before / after)'],
        rows,
      ),
      '',
      'A list (a Query returning 20 deliveries: see its read units in the capacity section) and a quote (a conditional PutItem) cost DynamoDB Local more than a GetItem by themselves: ' +
        'the `↳ bare` rows show how much, and why the ratio to the GetItem is not the API\'s overhead for them. ' +
        'Under concurrency the latency is mostly waiting: the local API is one Node.js process (as each Lambda container serves one request at a time, ' +
        'this is not how AWS behaves under load: there, 10 requests in flight are 10 containers), and on 2 cores the API, the load generator and DynamoDB Local\'s JVM take turns.',
    ].join('\n');

    return { title: this.title, markdown, checks, failures };
  },
};
