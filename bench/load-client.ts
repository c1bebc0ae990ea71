/**
 * The load generator of the load section, run as its own process (`bench/load.ts` spawns it), so
 * that generating load does not share an event loop with the API it measures. It reads one job
 * from `BENCH_LOAD_JOB`, runs it, and prints `__LOAD__{json}` with every response time.
 *
 * - `http`: `autocannon` against one route of the local API, `connections` requests in flight.
 * - `getitem`: the bare DynamoDB Local `GetItem`, `connections` in flight, from the SDK.
 */
import { createRequire } from 'node:module';
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';

export interface HttpLoadJob {
  kind: 'http';
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  expectStatus: number;
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

export interface GetItemLoadJob {
  kind: 'getitem';
  endpoint: string;
  region: string;
  table: string;
  key: Record<string, AttributeValue>;
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

export type LoadJob = HttpLoadJob | GetItemLoadJob;

export interface LoadResult {
  /** Response time of every answer with the expected status, in ms (float). */
  times: number[];
  /** Measured seconds (from the first request sent to the last answer). */
  elapsedSeconds: number;
  /** Answers with another status, by status. */
  unexpected: Record<string, number>;
  errors: number;
  /** autocannon's own percentiles (whole milliseconds), to cross-check. */
  autocannon?: { p50: number; p99: number; requestsPerSecond: number };
}

interface AutocannonInstance extends PromiseLike<AutocannonSummary> {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
}
interface AutocannonSummary {
  errors: number;
  timeouts: number;
  duration: number;
  latency: { p50: number; p99: number };
  requests: { average: number; total: number };
}
type Autocannon = (options: Record<string, unknown>) => AutocannonInstance;

async function runHttp(job: HttpLoadJob): Promise<LoadResult> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const options = { url: job.url, method: job.method, headers: job.headers, ...(job.body !== undefined ? { body: job.body } : {}), connections: job.connections };
  if (job.warmupSeconds > 0) await autocannon({ ...options, duration: job.warmupSeconds });
  const times: number[] = [];
  const unexpected: Record<string, number> = {};
  const instance = autocannon({ ...options, duration: job.seconds });
  const started = performance.now();
  let last = started;
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    last = performance.now();
    if (statusCode === job.expectStatus) times.push(responseTime);
    else unexpected[String(statusCode)] = (unexpected[String(statusCode)] ?? 0) + 1;
  });
  const summary = await instance;
  return {
    times,
    elapsedSeconds: (last - started) / 1000,
    unexpected,
    errors: summary.errors + summary.timeouts,
    autocannon: { p50: summary.latency.p50, p99: summary.latency.p99, requestsPerSecond: summary.requests.average },
  };
}

async function runGetItem(job: GetItemLoadJob): Promise<LoadResult> {
  const client = new DynamoDBClient({ endpoint: job.endpoint, region: job.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const times: number[] = [];
  let errors = 0;
  const loop = async (until: number, record: boolean) => {
    while (performance.now() < until) {
      const sent = performance.now();
      try {
        const { Item } = await client.send(new GetItemCommand({ TableName: job.table, Key: job.key }));
        if (!Item) throw new Error('the item is missing');
        if (record) times.push(performance.now() - sent);
      } catch {
        errors += 1;
      }
    }
  };
  try {
    const warmUntil = performance.now() + job.warmupSeconds * 1000;
    await Promise.all(Array.from({ length: job.connections }, () => loop(warmUntil, false)));
    errors = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: job.connections }, () => loop(started + job.seconds * 1000, true)));
    return { times, elapsedSeconds: (performance.now() - started) / 1000, unexpected: {}, errors };
  } finally {
    client.destroy();
  }
}

// Run only as the child process, never when imported for its types.
if (process.env.BENCH_LOAD_JOB) {
  const job = JSON.parse(process.env.BENCH_LOAD_JOB) as LoadJob;
  const result = job.kind === 'http' ? await runHttp(job) : await runGetItem(job);
  // Exit once the result is flushed: a pipe takes a large write in several turns.
  process.stdout.write(`\n__LOAD__${JSON.stringify(result)}\n`, () => process.exit(0));
}
