import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { ApiRequest } from './harness.js';
import { describeCalls, type DynamoCall } from './instrument.js';
import type { Operation } from './operations.js';
import { eventRules } from '../shared/app/rules.js';
import { table } from './report.js';
import type { BenchContext, Section, SectionResult } from './section.js';
import { ms, summarize, type Summary } from './stats.js';

/** Issue 3 asks for at least 200 reads and 100 writes per operation. */
const READS = 240;
const WRITES = 120;
const WARMUP = 15;
/** Bare GetItems per round: 480 in all. */
const BARE_PER_ROUND = 2;
const BARE_WARMUP = 50;

interface Plan {
  operation: Operation;
  count: number;
  requests: ApiRequest[];
  times: number[];
  /** The handler's DynamoDB calls of each timed request (the consumers' left out). */
  calls: DynamoCall[][];
}

/** Whether a plan of `count` requests spread over `rounds` sends one in round `round`. */
const sendsIn = (count: number, rounds: number, round: number) => Math.floor(((round + 1) * count) / rounds) > Math.floor((round * count) / rounds);

function shuffle<T>(items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [items[index], items[other]] = [items[other] as T, items[index] as T];
  }
  return items;
}

let results: ReadonlyMap<string, readonly number[]> | undefined;

/** This run's timed requests per operation id (ms at the client), for the day replay; undefined until the section has run. */
export function latencyResults(): ReadonlyMap<string, readonly number[]> | undefined {
  return results;
}

/**
 * p50/p99 latency of each operation through the local runtime (HTTP → handler → DynamoDB
 * Local), one request at a time, measured at the client from sending to the last byte read.
 * The operations are interleaved, in rounds of one request each (writes every other round) in a
 * new random order each round, with bare GetItems on DynamoDB Local in the same rounds: when
 * the machine gets busier during the run, every operation and the reference feel it alike, so
 * the ratios hold even when the milliseconds drift.
 */
export const latencySection: Section = {
  id: 'latency',
  title: 'Latency through the local runtime',
  async run(context: BenchContext): Promise<SectionResult> {
    const { api, operations } = context;
    const plans: Plan[] = [];
    for (const operation of operations.filter((candidate) => candidate.latency)) {
      const count = operation.kind === 'read' ? READS : WRITES;
      context.progress(`latency: preparing ${WARMUP + count} × ${operation.label}`);
      plans.push({ operation, count, requests: await operation.prepare(WARMUP + count), times: [], calls: [] });
    }

    const { runtime } = api;
    const client = new DynamoDBClient({
      endpoint: runtime.dynamoDbEndpoint,
      region: process.env.AWS_REGION ?? 'eu-west-3',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const bareTimes: number[] = [];
    try {
      // GetItem of an item that exists (the tenant), straight from the SDK: no HTTP server, no handler.
      const bareGet = async () => {
        const started = performance.now();
        const { Item } = await client.send(new GetItemCommand({ TableName: runtime.tableName, Key: { pk: { S: `T#${context.fixtures.tenantId}` }, sk: { S: 'TENANT' } } }));
        const elapsed = performance.now() - started;
        if (!Item) throw new Error('bare GetItem: the tenant item is missing');
        return elapsed;
      };

      context.progress(`latency: warming up (${WARMUP} of each, ${BARE_WARMUP} bare GetItems)`);
      for (let index = 0; index < BARE_WARMUP; index += 1) await bareGet();
      for (let index = 0; index < WARMUP; index += 1) {
        for (const plan of plans) await api.expect(plan.requests[index] as ApiRequest, plan.operation.status);
      }
      // Nothing left over from the preparation for the relay and the consumers.
      await runtime.settle();

      const rounds = Math.max(...plans.map((plan) => plan.count));
      context.progress(`latency: ${rounds} rounds (${plans.reduce((sum, plan) => sum + plan.count, 0)} requests, ${rounds * BARE_PER_ROUND} bare GetItems)`);
      for (let round = 0; round < rounds; round += 1) {
        const steps: Array<() => Promise<void>> = [];
        for (const plan of plans) {
          if (!sendsIn(plan.count, rounds, round)) continue;
          const request = plan.requests[WARMUP + plan.times.length] as ApiRequest;
          steps.push(async () => {
            const { result, calls } = await context.recorder.during(() => api.expect(request, plan.operation.status));
            plan.times.push(result.ms);
            plan.calls.push(calls);
          });
        }
        for (let index = 0; index < BARE_PER_ROUND; index += 1) {
          steps.push(async () => {
            bareTimes.push(await bareGet());
          });
        }
        for (const step of shuffle(steps)) await step();
      }
    } finally {
      client.destroy();
    }

    results = new Map(plans.map((plan) => [plan.operation.id, [...plan.times]]));
    const bare = summarize(bareTimes);
    const ratio = (summary: Summary) => (bare.p50 > 0 ? `${(summary.p50 / bare.p50).toFixed(1)}×` : '—');
    const row = (label: string, request: string, summary: Summary, roundTrips: string) => [
      label,
      request,
      String(summary.n),
      ms(summary.p50),
      ms(summary.p90),
      ms(summary.p99),
      ms(summary.mean),
      ms(summary.max),
      roundTrips,
      ratio(summary),
    ];

    const markdown = [
      `One request at a time (keep-alive), ${READS} per read and ${WRITES} per write after ${WARMUP} warm-ups each; the clock runs from ` +
        'sending the request to reading the last byte of the answer. The operations are interleaved: in each round, one request of ' +
        'each read, one of each write every other round, and two bare GetItems, in a new random order, so the load of the machine ' +
        `weighs on all of them alike. The outbox relay and the consumers (${eventRules.map((rule) => rule.name).join(', ')}) work in the ` +
        'background on the events of the writes, in the same process, as under `npm start`; the clock-driven schedules are off for the run.',
      '',
      table(
        ['operation', 'request', 'N', 'p50 ms', 'p90 ms', 'p99 ms', 'mean ms', 'max ms', 'DynamoDB round trips', 'p50 ÷ bare GetItem p50'],
        [
          ...plans.map((plan) => row(plan.operation.label, `\`${plan.operation.request}\``, summarize(plan.times), describeRoundTrips(plan.calls))),
          row('**bare GetItem** (reference)', '`GetItem` from the SDK to DynamoDB Local', bare, '1'),
        ],
      ),
      '',
      'The round trips are counted again on every timed request (the handler\'s calls only, by async context): the usual number, and ' +
        'any call that some requests made beyond it with how often (the hub settings cache expires every 30 s, so a quote or a direct ' +
        'booking now and then reads the settings again).',
      '',
      'No latency target is set for this issue: these numbers are the baseline for later changes. Compare ratios (to the bare GetItem, ' +
        'and between operations), not absolute milliseconds, and never with DynamoDB in AWS.',
    ].join('\n');

    return { title: this.title, markdown, checks: [], failures: [] };
  },
};

/**
 * `2`, or `2 (+ BatchGetItem (hub settings) in 1 of 150)` when some requests made calls the
 * usual ones do not (the 30 s settings cache expiring, an SDK retry, a version conflict).
 */
function describeRoundTrips(requests: readonly DynamoCall[][]): string {
  const described = requests.map(describeCalls);
  const tally = new Map<string, number>();
  for (const text of described) tally.set(text, (tally.get(text) ?? 0) + 1);
  const usualText = [...tally.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const usual = requests[described.indexOf(usualText as string)] ?? [];
  const extras = new Map<string, number>();
  let fewer = 0;
  for (const calls of requests) {
    const left = usual.map(describeCall);
    for (const call of calls) {
      const index = left.indexOf(describeCall(call));
      if (index >= 0) left.splice(index, 1);
      else extras.set(describeCall(call), (extras.get(describeCall(call)) ?? 0) + 1);
    }
    if (left.length > 0) fewer += 1;
  }
  const notes = [...extras.entries()].map(([call, count]) => `+ ${call} ×${count}`);
  if (fewer > 0) notes.push(`${fewer} request(s) with fewer calls`);
  return notes.length === 0 ? String(usual.length) : `${usual.length} (${notes.join('; ')}; over ${requests.length} requests)`;
}

const describeCall = (call: DynamoCall) => describeCalls([call]);
