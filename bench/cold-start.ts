import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LambdaEntry } from '../infra/bundling.js';
import type { RouteDefinition } from '../shared/http/route.js';
import { schedules } from '../shared/app/schedules.js';
import { BUDGET_BYTES, buildAll, kb, type Bundle, type Variant } from './bundles.js';
import { table } from './report.js';
import type { OfflineContext, OfflineSection, SectionResult } from './section.js';
import { ms } from './stats.js';

/** Issue 7: runs per function (median of at least 5). `BENCH_COLD_RUNS` to change it. */
const RUNS = Math.max(5, Number(process.env.BENCH_COLD_RUNS ?? 5));
/** The alternatives of two functions are compared with each other: twice the runs, for a steadier median. */
const TRADE_OFF_RUNS = 2 * RUNS;
/** Alternatives that are deployable as such (the others, packages left out to weigh them, are sizes only). */
const DEPLOYABLE_VARIANTS = new Set(['sdk-external', 'default-credentials']);
/** Issue 7's target for the proxy. */
const TARGET_MS = 150;
/** A child that takes longer than this is killed (and the run fails). */
const CHILD_TIMEOUT_MS = 15_000;
const MEMORY_MB = 512;

/**
 * The child: imports the bundle as Lambda's runtime would (a fresh process, an ES module), invokes
 * `handler` once, and prints the time from the process's start (`performance.timeOrigin`) to the
 * answer; then invokes it a second time with the same event (the warm invocation: `warmMs`, read
 * by the day replay). It exits at once, as a measurement needs no event loop draining (Lambda freezes it).
 */
const RUNNER = `const booted = performance.now();
const [bundleUrl, eventJson, functionName] = process.argv.slice(2);
const startedImport = performance.now();
let imported = startedImport;
let outcome;
let invoke;
try {
  const module = await import(bundleUrl);
  imported = performance.now();
  const deadline = Date.now() + 10000;
  const context = {
    callbackWaitsForEmptyEventLoop: true, functionName, functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-3:123456789012:function:' + functionName,
    memoryLimitInMB: '${MEMORY_MB}', awsRequestId: 'cold-start-' + process.pid,
    logGroupName: '/aws/lambda/' + functionName, logStreamName: 'cold-start',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()), done() {}, fail() {}, succeed() {},
  };
  invoke = () => module.handler(JSON.parse(eventJson), context);
  try {
    const result = await invoke();
    if (result && typeof result === 'object' && 'statusCode' in result) outcome = String(result.statusCode);
    else if (result && typeof result === 'object' && Array.isArray(result.batchItemFailures)) outcome = 'batchItemFailures: ' + result.batchItemFailures.length;
    else outcome = result === undefined ? 'returned' : 'returned a value';
  } catch (error) {
    outcome = 'threw ' + ((error && error.name) || 'an error');
  }
} catch (error) {
  outcome = 'IMPORT FAILED: ' + String(error).slice(0, 300);
}
const answered = performance.now();
let warmMs = null;
if (invoke) {
  const again = performance.now();
  try { await invoke(); } catch {}
  warmMs = performance.now() - again;
}
process.stdout.write('\\n__COLD_START__' + JSON.stringify({ booted, importMs: imported - startedImport, handlerMs: answered - imported, totalMs: answered, warmMs, outcome }) + '\\n', () => process.exit(0));
`;

/** A module with a handler and nothing else: Node's own start and the runner, for reference. */
const EMPTY_MODULE = 'export const handler = async () => ({ statusCode: 200, body: "{}" });\n';

interface Sample {
  /** Process start → answer (`performance.now()` in the child, which counts from `performance.timeOrigin`). */
  totalMs: number;
  /** Node's own start: process start → the runner's first line. */
  booted: number;
  importMs: number;
  handlerMs: number;
  /** The second invocation, warm (same event), in the same process; NaN when the import failed. */
  warmMs: number;
  /** Wall time measured by the parent, from `spawn()` to the child's exit. */
  wallMs: number;
  /** Requests that reached the stand-in AWS endpoint. */
  awsRequests: number;
}

interface Job {
  id: string;
  /** The function (construct name) it measures. */
  name: string;
  variant: string;
  file: string;
  bytes: number;
  event: unknown;
  request: string;
  nodeOptions: string;
  samples: Sample[];
  outcomes: Set<string>;
  serves: string;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

function shuffle<T>(items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [items[index], items[other]] = [items[other] as T, items[index] as T];
  }
  return items;
}

/** An API Gateway HTTP API (payload 2.0) event, as Lambda receives it. */
function httpEvent(method: string, routeKey: string, path: string, pathParameters: Record<string, string> | undefined, body: string | undefined) {
  const now = new Date();
  const headers: Record<string, string> = {
    host: 'api.example.invalid',
    'user-agent': 'delivery-hub-bench/cold-start',
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-proto': 'https',
    accept: 'application/json',
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers,
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'api.example.invalid',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'delivery-hub-bench/cold-start' },
      requestId: 'cold-start',
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
}

/**
 * What each function is sent once: a request that goes through the whole import and middleware
 * stack without AWS where one exists (no key: the 401 comes before any lookup), an invalid
 * envelope for consumers (refused by their schema), an empty stream batch for the relay, and the
 * scheduler's event for scheduled handlers (they query DynamoDB: the stand-in answers as an empty table).
 */
function routeInvocation(route: RouteDefinition): { event: unknown; request: string } {
  const parameters: Record<string, string> = {};
  const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => (parameters[name] = `bench_${name.toLowerCase()}`));
  const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}';
  const keyless = route.roles === 'public' ? '' : ', no API key';
  return {
    event: httpEvent(route.method, `${route.method} ${route.path}`, path, Object.keys(parameters).length > 0 ? parameters : undefined, body),
    request: `${route.method} ${path}${body ? ' `{}`' : ''}${keyless}`,
  };
}

function invocationFor(entry: LambdaEntry): { event: unknown; request: string } {
  switch (entry.kind) {
    case 'route':
      return routeInvocation(entry.route!);
    // A function of several routes starts with its first: the whole bundle is imported whatever the route.
    case 'http':
      return entry.routes?.[0] ? routeInvocation(entry.routes[0].route) : { event: httpEvent('GET', '$default', '/v1/no-such-route', undefined, undefined), request: 'GET /v1/no-such-route' };
    case 'fallback':
      return { event: httpEvent('GET', '$default', '/v1/no-such-route', undefined, undefined), request: 'GET /v1/no-such-route' };
    case 'consumer':
      return {
        event: {
          version: '0',
          id: '00000000-0000-4000-8000-000000000000',
          'detail-type': 'bench.cold_start',
          source: 'delivery-hub.bench',
          account: '123456789012',
          time: new Date().toISOString(),
          region: 'eu-west-3',
          resources: [],
          detail: {},
        },
        request: 'an EventBridge event of no known type (refused by the envelope schema)',
      };
    case 'relay':
      return { event: { Records: [] }, request: 'an empty stream batch' };
    case 'schedule': {
      const schedule = schedules.find((candidate) => candidate.handler === entry.entry);
      const input = schedule?.input ? JSON.parse(JSON.stringify(schedule.input).replaceAll('<aws.scheduler.scheduled-time>', new Date().toISOString())) : undefined;
      return {
        event: input ?? { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {}, time: new Date().toISOString() },
        request: 'its scheduled event (finds nothing to do in the stand-in\'s empty table)',
      };
    }
  }
}

/** What the stand-in answers for each DynamoDB operation: what an empty table answers. */
const EMPTY_TABLE_ANSWERS: Record<string, unknown> = {
  GetItem: {},
  PutItem: {},
  UpdateItem: {},
  DeleteItem: {},
  Query: { Items: [], Count: 0, ScannedCount: 0 },
  BatchGetItem: { Responses: {}, UnprocessedKeys: {} },
  BatchWriteItem: { UnprocessedItems: {} },
  TransactWriteItems: {},
  TransactGetItems: { Responses: [] },
};

/**
 * Every AWS endpoint of the children: a local stand-in that answers each DynamoDB call at once as
 * an empty table would (no item, no page, writes accepted), and anything else with an empty
 * JSON answer. No credentials, no network, no SDK retry delays; it counts the requests.
 */
async function startStandInEndpoint(): Promise<{ url: string; requests(): number; stop(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    request.resume();
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('DynamoDB_') ? target.slice(target.indexOf('.') + 1) : '';
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'bench-cold-start' });
      response.end(JSON.stringify(EMPTY_TABLE_ANSWERS[operation] ?? {}));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** One cold start: a fresh `node` that imports the bundle and invokes it (once cold, once warm). */
function runOnce(runner: string, job: Job, endpoint: string): Promise<{ sample: Omit<Sample, 'awsRequests'>; outcome: string }> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    // What Lambda sets, and what the stack sets (infra/stack.ts `environment`).
    AWS_REGION: 'eu-west-3',
    AWS_DEFAULT_REGION: 'eu-west-3',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: job.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MEMORY_MB),
    AWS_ACCESS_KEY_ID: 'ASIABENCHCOLDSTART',
    AWS_SECRET_ACCESS_KEY: 'bench-cold-start',
    AWS_SESSION_TOKEN: 'bench-cold-start',
    TABLE_NAME: 'delivery-hub-bench',
    EVENT_BUS_NAME: 'delivery-hub-bench',
    PUBLIC_BASE_URL: 'https://api.example.invalid',
    STAGE: 'bench',
    POWERTOOLS_SERVICE_NAME: 'delivery-hub',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    NODE_OPTIONS: job.nodeOptions,
    // No AWS: every service's endpoint is the stand-in (and DynamoDB's named explicitly, as the local runtime does).
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  };
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // `BENCH_COLD_PROFILE=<dir>`: each child writes a CPU profile there (to see where a cold start goes; the times are then not comparable).
    const profile = process.env.BENCH_COLD_PROFILE ? ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', process.env.BENCH_COLD_PROFILE, '--cpu-prof-name', `${job.name}.${job.variant}.${process.hrtime.bigint()}.cpuprofile`] : [];
    const child = spawn(process.execPath, [...profile, runner, pathToFileURL(job.file).href, JSON.stringify(job.event), job.name], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    let wallMs = Number.NaN;
    child.once('exit', () => {
      wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    });
    // `close`, not `exit`: the child's output may still be in the pipe when it exits.
    child.once('close', () => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('__COLD_START__'));
      if (!line) {
        reject(new Error(`${job.id}: no measurement (stderr: ${stderr.slice(0, 300)})`));
        return;
      }
      try {
        const parsed = JSON.parse(line.slice('__COLD_START__'.length)) as { booted: number; importMs: number; handlerMs: number; totalMs: number; warmMs: number | null; outcome: string };
        resolve({
          sample: { totalMs: parsed.totalMs, booted: parsed.booted, importMs: parsed.importMs, handlerMs: parsed.handlerMs, warmMs: parsed.warmMs ?? Number.NaN, wallMs },
          outcome: parsed.outcome,
        });
      } catch (error) {
        reject(new Error(`${job.id}: unreadable measurement (${String(error)})`));
      }
    });
  });
}

/** A function's cold-start proxy, for the day replay (`bench/day-replay.ts`). */
export interface ColdStartResult {
  name: string;
  serves: string;
  bytes: number;
  runs: number;
  /** Median, process start → the first answer (the proxy). */
  medianMs: number;
  /** Median of the second invocation (warm, same event, same process). */
  warmMs: number;
}

let results: { grouped: ReadonlyMap<string, ColdStartResult>; perRoute: ReadonlyMap<string, ColdStartResult> } | undefined;

/**
 * The medians of this run's cold-start section per function name, for each layout: `grouped`
 * (the stack's functions) and `perRoute` (the former layout: its per-route HTTP functions and the
 * same consumers, schedules and relay). Undefined until the section has run.
 */
export function coldStartResults(): typeof results {
  return results;
}

const VARIANT_LABELS: Record<string, string> = {
  deployed: 'as deployed',
  'enable-source-maps': 'as deployed, plus `NODE_OPTIONS=--enable-source-maps` (as before: the map parsed at start)',
};

/** Cold-start proxy of every function: median of `RUNS` fresh processes each. */
export const coldStartSection: OfflineSection = {
  id: 'cold-start',
  title: 'Cold start (proxy) per function',
  async run(context: OfflineContext): Promise<SectionResult> {
    const set = await buildAll(context.progress);
    const failures: string[] = [];
    const runner = join(set.dir, 'runner.mjs');
    await writeFile(runner, RUNNER);
    await writeFile(join(set.dir, 'empty.mjs'), EMPTY_MODULE);

    const job = (bundle: Pick<Bundle, 'entry' | 'file' | 'bytes'>, variant: string, nodeOptions = ''): Job => {
      const { event, request } = invocationFor(bundle.entry);
      return {
        id: `${bundle.entry.name}/${variant}`,
        name: bundle.entry.name,
        variant,
        file: bundle.file,
        bytes: bundle.bytes,
        event,
        request,
        nodeOptions,
        samples: [],
        outcomes: new Set(),
        serves: bundle.entry.serves,
      };
    };
    const functions = set.bundles.map((bundle) => job(bundle, 'deployed'));
    // The former layout's HTTP functions (not deployed), in the same rounds, for the day replay.
    const formerFunctions = set.formerRoutes.map((bundle) => job(bundle, 'per-route'));
    const byName = new Map(set.bundles.map((bundle) => [bundle.entry.name, bundle]));
    const tradeOffs: Job[] = [];
    for (const base of [...new Set(set.variants.map((variant) => variant.base))]) {
      const bundle = byName.get(base);
      if (!bundle) continue;
      tradeOffs.push(job(bundle, 'deployed'));
      if (tradeOffs.length === 1) tradeOffs.push(job(bundle, 'enable-source-maps', '--enable-source-maps'));
      for (const variant of set.variants.filter((candidate: Variant) => candidate.base === base && DEPLOYABLE_VARIANTS.has(candidate.id))) {
        tradeOffs.push(job({ ...bundle, file: variant.file, bytes: variant.bytes }, variant.id));
        VARIANT_LABELS[variant.id] = variant.label;
      }
    }
    const baseline: Job = {
      id: 'node/empty-module',
      name: 'node + an empty module',
      variant: 'reference',
      file: join(set.dir, 'empty.mjs'),
      bytes: EMPTY_MODULE.length,
      event: {},
      request: '—',
      nodeOptions: '',
      samples: [],
      outcomes: new Set(),
      serves: 'reference: Node.js starting and importing nothing',
    };
    const endpoint = await startStandInEndpoint();
    try {
      for (let round = 0; round < TRADE_OFF_RUNS; round += 1) {
        const jobs = [...(round < RUNS ? [...functions, ...formerFunctions, baseline] : []), ...tradeOffs];
        context.progress(`cold start: round ${round + 1} of ${TRADE_OFF_RUNS} (${jobs.length} fresh processes, in a new random order)`);
        for (const current of shuffle(jobs)) {
          const before = endpoint.requests();
          try {
            const { sample, outcome } = await runOnce(runner, current, endpoint.url);
            current.samples.push({ ...sample, awsRequests: endpoint.requests() - before });
            current.outcomes.add(outcome);
          } catch (error) {
            failures.push(`cold start of ${current.id}: ${String(error).slice(0, 300)}`);
          }
        }
      }
    } finally {
      await endpoint.stop();
    }
    for (const current of [...functions, ...formerFunctions, ...tradeOffs, baseline]) {
      for (const outcome of current.outcomes) if (outcome.startsWith('IMPORT FAILED')) failures.push(`cold start of ${current.id}: ${outcome}`);
    }

    const summary = (current: Job) => ({
      total: median(current.samples.map((sample) => sample.totalMs)),
      booted: median(current.samples.map((sample) => sample.booted)),
      importMs: median(current.samples.map((sample) => sample.importMs)),
      handlerMs: median(current.samples.map((sample) => sample.handlerMs)),
      wall: median(current.samples.map((sample) => sample.wallMs)),
      min: Math.min(...current.samples.map((sample) => sample.totalMs)),
      max: Math.max(...current.samples.map((sample) => sample.totalMs)),
      aws: Math.max(0, ...current.samples.map((sample) => sample.awsRequests)),
    });
    const measured = functions.filter((current) => current.samples.length >= RUNS);
    const rows = measured.map((current) => ({ job: current, ...summary(current) })).sort((a, b) => b.total - a.total);
    const over = rows.filter((row) => row.total > TARGET_MS);
    const medians = rows.map((row) => row.total).sort((a, b) => a - b);
    const base = summary(baseline);
    const nodeStart = median([...functions, baseline].flatMap((current) => current.samples.map((sample) => sample.booted)));
    const resultOf = (current: Job): ColdStartResult => ({
      name: current.name,
      serves: current.serves,
      bytes: current.bytes,
      runs: current.samples.length,
      medianMs: summary(current).total,
      warmMs: median(current.samples.map((sample) => sample.warmMs).filter((value) => Number.isFinite(value))),
    });
    const formerRows = formerFunctions.filter((current) => current.samples.length >= RUNS).map(resultOf);
    const shared = measured.filter((current) => !['http', 'route', 'fallback'].includes(byName.get(current.name)?.entry.kind ?? ''));
    results = {
      grouped: new Map(measured.map((current) => [current.name, resultOf(current)])),
      perRoute: new Map([...formerRows, ...shared.map(resultOf)].map((result) => [result.name, result])),
    };

    const lines = [
      `Each function\'s bundle (the previous section\'s \`index.mjs\`) is started ${RUNS} times in a fresh \`node\` process (${process.version} here; Lambda runs Node.js 22) ` +
        'that imports it as an ES module and invokes `handler` once; the proxy is the time from the process\'s start (`performance.timeOrigin`) to the answer, ' +
        'median of the runs. The runs go in rounds (every function once per round, in a new random order), so the load of the machine weighs on all alike. ' +
        'The environment is the stack\'s (`TABLE_NAME`, `EVENT_BUS_NAME`, `POWERTOOLS_LOG_LEVEL=INFO`…; no `NODE_OPTIONS`: stacks are source-mapped when read, by the module every bundle carries) plus what Lambda sets ' +
        '(region, function name, 512 MB, credentials in the environment). No AWS call leaves the machine: every service endpoint (`AWS_ENDPOINT_URL`, ' +
        '`AWS_ENDPOINT_URL_DYNAMODB`) is a stand-in on a local port that answers every DynamoDB call at once as an empty table would (no item, empty pages, ' +
        'writes accepted); the "AWS requests" column counts the calls that reached it (the first SDK call of a process, with its client set-up and signing, is part of the proxy).',
      '',
      'What each function is sent: an authenticated route its own request with no API key (the 401 comes from the whole middleware stack, before any ' +
        'lookup); a public route its request as a client would send it (the tracking routes count it in their two rate limits, then find no such link); ' +
        'a consumer an EventBridge event its envelope schema refuses (it throws after the import and the schema check); the relay an empty stream batch; ' +
        'a scheduled handler its scheduled event (it finds nothing to do).',
      '',
      `**Target: ≤ ${TARGET_MS} ms per function. ${over.length} of ${rows.length} over.** Medians across functions: fastest ${ms(medians[0] ?? Number.NaN)} ms, ` +
        `median ${ms(median(medians))} ms, slowest ${ms(medians.at(-1) ?? Number.NaN)} ms. Of every run, Node.js itself (process start → the runner\'s first line) ` +
        `took ${ms(nodeStart)} ms (median); \`node\` importing an empty module and answering: ${ms(base.total)} ms.`,
      '',
      'This is a proxy. On Lambda, a 512 MB function gets about a third of a vCPU (a full one at 1,769 MB) of an arm64 Graviton core: importing and compiling the same ' +
        'code is slower there than on a core of this machine, while Lambda\'s own start (runtime bootstrap, code download) is not in this number. Read it to compare ' +
        'functions and alternatives with each other, not as the Init Duration AWS will report.',
      '',
      table(
        ['function', 'serves', 'KB', 'sent', 'answer', 'AWS requests', 'median ms (start → answer)', 'import ms', 'handler ms', 'min–max ms', 'spawn → exit ms', `≤ ${TARGET_MS} ms`],
        rows.map((row) => [
          `\`${row.job.name}\``,
          row.job.serves,
          kb(row.job.bytes),
          row.job.request,
          [...row.job.outcomes].join(', '),
          String(row.aws),
          ms(row.total),
          ms(row.importMs),
          ms(row.handlerMs),
          `${ms(row.min)}–${ms(row.max)}`,
          ms(row.wall),
          row.total <= TARGET_MS ? 'yes' : '**no**',
        ]),
      ),
    ];

    if (formerRows.length > 0) {
      const formerMedians = formerRows.map((row) => row.medianMs).sort((a, b) => a - b);
      lines.push(
        '',
        `**The former layout** (one function per route and one for \`$default\`, \`lambdaEntries('per-route')\`; not deployed), measured in the same rounds ` +
          `for the day replay below, ${RUNS} runs each: ${formerRows.length} functions, fastest ${ms(formerMedians[0] ?? Number.NaN)} ms, median ${ms(median(formerMedians))} ms, ` +
          `slowest ${ms(formerMedians.at(-1) ?? Number.NaN)} ms; ${formerRows.filter((row) => row.medianMs > TARGET_MS).length} over ${TARGET_MS} ms. ` +
          'Its consumers, schedules and relay are the functions of the table above. "Warm ms": the second invocation of the same request in the same process (median).',
        '',
        table(
          ['function', 'serves', 'KB', 'median ms (start → answer)', 'warm ms', `≤ ${TARGET_MS} ms`],
          [...formerRows]
            .sort((a, b) => b.medianMs - a.medianMs)
            .map((row) => [`\`${row.name}\``, row.serves, kb(row.bytes), ms(row.medianMs), ms(row.warmMs), row.medianMs <= TARGET_MS ? 'yes' : '**no**']),
        ),
      );
    }

    if (tradeOffs.length > 0) {
      const compared = [...new Set(tradeOffs.map((current) => current.name))].map((name) => {
        const list = tradeOffs.filter((current) => current.name === name && current.samples.length > 0).map((current) => ({ job: current, ...summary(current) }));
        return { name, list, reference: list.find((row) => row.job.variant === 'deployed') };
      });
      const tradeRows = compared.flatMap(({ name, list, reference }) =>
        list.map((row) => [
          `\`${name}\``,
          VARIANT_LABELS[row.job.variant] ?? row.job.variant,
          kb(row.job.bytes),
          row.job.bytes <= BUDGET_BYTES ? 'yes' : '**no**',
          String(row.job.samples.length),
          ms(row.total),
          ms(row.importMs),
          reference && row !== reference ? `${row.total - reference.total >= 0 ? '+' : ''}${ms(row.total - reference.total)} ms` : '—',
          row.total <= TARGET_MS ? 'yes' : '**no**',
        ]),
      );
      const bothMet = compared.flatMap(({ name, list }) =>
        list.filter((row) => row.job.bytes <= BUDGET_BYTES && row.total <= TARGET_MS).map((row) => `${VARIANT_LABELS[row.job.variant] ?? row.job.variant} (\`${name}\`)`),
      );
      const describe = (rows: Array<{ name: string; row: (typeof compared)[number]['list'][number] }>) =>
        rows.length === 0 ? 'none' : rows.map(({ name, row }) => `${VARIANT_LABELS[row.job.variant] ?? row.job.variant} (\`${name}\`, ${kb(row.job.bytes)} KB, ${ms(row.total)} ms)`).join('; ');
      const all = compared.flatMap(({ name, list }) => list.map((row) => ({ name, row })));
      const verdict =
        bothMet.length > 0
          ? `Meeting both targets (≤ 250 KB and ≤ ${TARGET_MS} ms) in this run: ${bothMet.join(', ')}.`
          : `None of these meets both targets (≤ 250 KB and ≤ ${TARGET_MS} ms) in this run. Within the size budget: ${describe(all.filter(({ row }) => row.job.bytes <= BUDGET_BYTES))}. ` +
            `Within ${TARGET_MS} ms: ${describe(all.filter(({ row }) => row.total <= TARGET_MS))}.`;
      lines.push(
        '',
        `**Bundle size against cold start**: the deployable alternatives of the previous section, ${TRADE_OFF_RUNS} runs each (the first ${RUNS} in the same ` +
          'rounds as the table above, the rest in rounds of their own), beside the deployed bundle measured in the same rounds. An SDK left external is ' +
          'loaded from `node_modules`, as Lambda loads its runtime\'s copy: hundreds of CommonJS files instead of one module. (Leaving Stripe out is a size ' +
          'measurement only: a function without the package would not load it at all.)',
        '',
        table(['function', 'variant', 'KB', '≤ 250 KB', 'runs', 'median ms (start → answer)', 'import ms', 'change', `≤ ${TARGET_MS} ms`], tradeRows),
        '',
        verdict,
      );
    }

    return {
      title: this.title,
      markdown: lines.join('\n'),
      checks: [
        {
          text: `cold-start proxy ≤ ${TARGET_MS} ms, median of ${RUNS} fresh processes, each function (${rows.length} functions: ${over.length} over, slowest ${ms(medians.at(-1) ?? Number.NaN)} ms)`,
          met: over.length === 0 && rows.length === set.bundles.length && set.bundles.length > 0,
        },
      ],
      failures,
    };
  },
};
