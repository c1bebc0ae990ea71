/**
 * The load generator of the load section, run as its own process (`bench/load.ts` spawns it), so
 * that generating load does not share an event loop with the API it measures. It reads one job
 * from `BENCH_LOAD_JOB`, runs it, and prints `__LOAD__{json}` with every response time.
 *
 * - `http`: `autocannon` against one route of the local API, `connections` requests in flight.
 * - `dynamodb`: one DynamoDB call a route makes (`GetItem`, `Query`, `PutItem`), replayed bare on
 *   DynamoDB Local, `connections` in flight, from the SDK.
 */
import { createRequire } from 'node:module';
import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, type AttributeValue, type GetItemCommandInput, type PutItemCommandInput, type QueryCommandInput } from '@aws-sdk/client-dynamodb';

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

/** One DynamoDB call replayed as the route made it (its low-level input, as recorded by `bench/instrument.ts`). */
export interface DynamoLoadJob {
  kind: 'dynamodb';
  endpoint: string;
  region: string;
  command: 'GetItem' | 'Query' | 'PutItem';
  input: Record<string, unknown>;
  /** A PutItem writes a new item each time: its partition key gets a unique suffix (the rest of the item is the route's). */
  freshKey?: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

export type LoadJob = HttpLoadJob | DynamoLoadJob;

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

/** One call of the job, checked: the item is there, the page is not empty, the write went through. */
function caller(client: DynamoDBClient, job: DynamoLoadJob): () => Promise<void> {
  switch (job.command) {
    case 'GetItem': {
      const input = job.input as unknown as GetItemCommandInput;
      return async () => {
        const { Item } = await client.send(new GetItemCommand(input));
        if (!Item) throw new Error('the item is missing');
      };
    }
    case 'Query': {
      const input = job.input as unknown as QueryCommandInput;
      return async () => {
        const { Count } = await client.send(new QueryCommand(input));
        if (!Count) throw new Error('the query found nothing');
      };
    }
    case 'PutItem': {
      const input = job.input as unknown as PutItemCommandInput;
      const attribute = job.freshKey ?? 'pk';
      const base = (input.Item?.[attribute] as AttributeValue.SMember | undefined)?.S;
      if (base === undefined) throw new Error(`the item has no string ${attribute}`);
      let written = 0;
      return async () => {
        written += 1;
        await client.send(new PutItemCommand({ ...input, Item: { ...input.Item, [attribute]: { S: `${base}#bench${process.pid}-${written}` } } }));
      };
    }
  }
}

/** The bare DynamoDB call, `connections` in flight, from the SDK in this process. */
async function runDynamo(job: DynamoLoadJob): Promise<LoadResult> {
  const client = new DynamoDBClient({ endpoint: job.endpoint, region: job.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const call = caller(client, job);
  const times: number[] = [];
  let errors = 0;
  const loop = async (until: number, record: boolean) => {
    while (performance.now() < until) {
      const sent = performance.now();
      try {
        await call();
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
  const result = job.kind === 'http' ? await runHttp(job) : await runDynamo(job);
  // Exit once the result is flushed: a pipe takes a large write in several turns.
  process.stdout.write(`\n__LOAD__${JSON.stringify(result)}\n`, () => process.exit(0));
}
