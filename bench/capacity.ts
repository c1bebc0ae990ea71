import { createServer, type Server } from 'node:http';
import { bootstrapAdminKey } from '../shared/auth/bootstrap.js';
import { matchesEventPattern } from '../shared/events/pattern.js';
import { eventBridge } from '../shared/events/publish.js';
import { eventRules } from '../shared/app/rules.js';
import { anotherTenant, quoteBody, type Fixtures } from './fixtures.js';
import type { ApiRequest } from './harness.js';
import { describeCalls, READ_COMMANDS, WRITE_COMMANDS, type DynamoCall } from './instrument.js';
import { operations as operationsFor } from './operations.js';
import { table } from './report.js';
import { describeBackground } from './round-trips.js';
import type { BenchContext, Section, SectionResult } from './section.js';
import { ms } from './stats.js';

/** Measured requests per operation (after one warm-up). */
const SAMPLES = 3;
/** The two event types the capacity tenant's webhook endpoint subscribes to: two webhook attempts per delivery. */
const WEBHOOK_EVENTS = ['delivery.picked_up', 'delivery.delivered'] as const;

/** One put on the bus by the outbox relay. */
interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
}

/** What one measured request set off, request and background. */
interface Sample {
  ms: number;
  calls: DynamoCall[];
  background: DynamoCall[];
  /** The relay's PutEvents calls (one per relayed batch) and their entries. */
  putEvents: Array<{ entries: PutEventsEntry[]; ms: number }>;
  /** Per relayed batch: from PutEvents answered to every consumer of its events done (they run in parallel). */
  consumerMs: number[];
  webhookAttempts: number;
}

/** Per request of one operation, averaged over its samples. */
export interface OperationCost {
  id: string;
  label: string;
  request: string;
  samples: number;
  /** The request's own calls, as most samples showed them. */
  calls: string;
  roundTrips: number;
  readUnits: number;
  writeUnits: number;
  /** Of `writeUnits`, the part written to global secondary indexes. */
  indexWriteUnits: number;
  /** `indexWriteUnits` by index. */
  indexWrites: Record<string, number>;
  backgroundCalls: string;
  backgroundReadUnits: number;
  backgroundWriteUnits: number;
  /** Of `backgroundWriteUnits`, by global secondary index. */
  backgroundIndexWrites: Record<string, number>;
  /** Of `backgroundWriteUnits`: the local runtime's mail outbox (`PutItem (notification)`), an SES e-mail in AWS instead. */
  mailOutboxWriteUnits: number;
  emails: number;
  events: number;
  eventTypes: string[];
  /** Bytes of the events as put on the bus (an event is billed per 64 KB chunk; archived by the byte). */
  eventBytes: number;
  /** Consumer invocations: for each event, the rules it matches. */
  consumerInvocations: number;
  /** Relay invocations: one per PutEvents call (one per stream batch). */
  relayInvocations: number;
  webhookAttempts: number;
  /** Median time of the request at the client (an upper bound of its Lambda duration). */
  requestMs: number;
  /** Median per relayed batch: every matching consumer done (each consumer's duration is at most this). */
  consumerMs: number;
  /** Median PutEvents round trip of the relay (its work besides unmarshalling a batch). */
  relayMs: number;
  /** Which tenant: the capacity tenant (a webhook endpoint on two event types) or the admin. */
  note?: string;
}

let results: Map<string, OperationCost> | undefined;
let loggedConsumers: readonly string[] = [];

/** The capacity section's per-operation numbers, for the cost section (undefined if it did not run). */
export function capacityResults(): ReadonlyMap<string, OperationCost> | undefined {
  return results;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : (sorted[Math.floor((sorted.length - 1) / 2)] as number);
};
const mean = (values: readonly number[]) => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length);
const units = (calls: readonly DynamoCall[], commands: ReadonlySet<string>) => calls.filter((call) => commands.has(call.command)).reduce((sum, call) => sum + (call.capacity?.units ?? 0), 0);
const indexUnits = (calls: readonly DynamoCall[]) =>
  calls.filter((call) => WRITE_COMMANDS.has(call.command)).reduce((sum, call) => sum + Object.values(call.capacity?.indexes ?? {}).reduce((a, b) => a + b, 0), 0);
/** Write units by index, averaged over the samples (of the request's calls, or of the background's). */
function indexWritesOf(samples: readonly Sample[], part: 'calls' | 'background' = 'calls'): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const sample of samples) {
    for (const call of sample[part].filter((candidate) => WRITE_COMMANDS.has(candidate.command))) {
      for (const [index, value] of Object.entries(call.capacity?.indexes ?? {})) sum[index] = (sum[index] ?? 0) + value / samples.length;
    }
  }
  return Object.fromEntries(Object.entries(sum).sort(([a], [b]) => a.localeCompare(b)));
}
const isMailOutbox = (call: DynamoCall) => call.command === 'PutItem' && call.purpose === 'notification';
/** `0.5`, `2`, `3.67`. */
export const unitsText = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0$/, ''));

/** `36 (28 in indexes: gsi1 4, gsi2 8, …)`, or `2` when no index was written. */
function withIndexes(total: number, byIndex: Record<string, number>): string {
  const entries = Object.entries(byIndex).filter(([, value]) => value > 0);
  if (entries.length === 0) return unitsText(total);
  const inIndexes = entries.reduce((sum, [, value]) => sum + value, 0);
  return `${unitsText(total)} (${unitsText(inIndexes)} in indexes: ${entries.map(([index, value]) => `${index} ${unitsText(value)}`).join(', ')})`;
}

/** The envelope EventBridge would deliver for an entry: what the rules' patterns are matched against. */
function envelopeOf(entry: PutEventsEntry) {
  let detail: unknown = {};
  try {
    detail = JSON.parse(entry.Detail ?? '{}');
  } catch {
    detail = {};
  }
  return { version: '0', id: 'bench', 'detail-type': entry.DetailType, source: entry.Source, account: '000000000000', time: new Date().toISOString(), region: 'eu-west-3', resources: [], detail };
}

function summarise(id: string, label: string, request: string, samples: Sample[], note?: string): OperationCost {
  const described = samples.map((sample) => describeCalls(sample.calls));
  const counts = new Map<string, number>();
  for (const text of described) counts.set(text, (counts.get(text) ?? 0) + 1);
  const mode = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none';
  const representative = samples[described.indexOf(mode)] ?? samples[0];
  const entries = (sample: Sample) => sample.putEvents.flatMap((put) => put.entries);
  return {
    id,
    label,
    request,
    samples: samples.length,
    calls: mode + (counts.size > 1 ? ` (also seen: ${[...counts.keys()].filter((text) => text !== mode).join('; ')})` : ''),
    roundTrips: representative?.calls.length ?? 0,
    readUnits: mean(samples.map((sample) => units(sample.calls, READ_COMMANDS))),
    writeUnits: mean(samples.map((sample) => units(sample.calls, WRITE_COMMANDS))),
    indexWriteUnits: mean(samples.map((sample) => indexUnits(sample.calls))),
    indexWrites: indexWritesOf(samples),
    backgroundCalls: describeBackground(representative?.background ?? []),
    backgroundReadUnits: mean(samples.map((sample) => units(sample.background, READ_COMMANDS))),
    backgroundWriteUnits: mean(samples.map((sample) => units(sample.background, WRITE_COMMANDS))),
    backgroundIndexWrites: indexWritesOf(samples, 'background'),
    mailOutboxWriteUnits: mean(samples.map((sample) => units(sample.background.filter(isMailOutbox), WRITE_COMMANDS))),
    emails: mean(samples.map((sample) => sample.background.filter(isMailOutbox).length)),
    events: mean(samples.map((sample) => entries(sample).length)),
    eventTypes: [...new Set(samples.flatMap((sample) => entries(sample).map((entry) => entry.DetailType ?? '?')))],
    eventBytes: mean(samples.map((sample) => entries(sample).reduce((sum, entry) => sum + Buffer.byteLength(JSON.stringify(entry)), 0))),
    consumerInvocations: mean(
      samples.map((sample) => entries(sample).reduce((sum, entry) => sum + eventRules.filter((rule) => matchesEventPattern(rule.pattern, envelopeOf(entry))).length, 0)),
    ),
    relayInvocations: mean(samples.map((sample) => sample.putEvents.length)),
    webhookAttempts: mean(samples.map((sample) => sample.webhookAttempts)),
    requestMs: median(samples.map((sample) => sample.ms)),
    consumerMs: median(samples.flatMap((sample) => sample.consumerMs)),
    relayMs: median(samples.flatMap((sample) => sample.putEvents.map((put) => put.ms))),
    ...(note ? { note } : {}),
  };
}

/** A local webhook receiver that answers 204 to everything and counts what it receives. */
async function startReceiver(onRequest: () => void): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    onRequest();
    request.resume();
    request.on('end', () => {
      response.writeHead(204);
      response.end();
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/**
 * DynamoDB capacity units per operation (`ReturnConsumedCapacity` on every command of the
 * handlers' and consumers' document client), with what each request sets off in the
 * background: events, consumer and relay invocations, e-mails, webhook attempts. On a tenant of
 * its own with one webhook endpoint (two event types), so the lifecycle costs what a tenant
 * with a webhook integration costs. The cost section prices these numbers.
 */
export const capacitySection: Section = {
  id: 'capacity',
  title: 'DynamoDB capacity units per operation',
  async run(context: BenchContext): Promise<SectionResult> {
    const { api, recorder } = context;
    const { runtime } = api;
    const failures: string[] = [];

    let current: Sample | undefined;
    const receiver = await startReceiver(() => {
      if (current) current.webhookAttempts += 1;
    });
    // The relay's PutEvents calls (its EventBridge client is the process-wide `eventBridge()`).
    const bus = eventBridge();
    // The SDK's middleware types are generic over every command's input and output: this one reads PutEvents only.
    const stack = bus.middlewareStack as unknown as {
      add(middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>, options: { step: 'initialize'; name: string }): void;
      remove(name: string): boolean;
    };
    const PUT_EVENTS_MIDDLEWARE = 'benchPutEventsCounter';
    stack.add(
      (next, handlerContext) => async (args) => {
        const started = performance.now();
        const result = await next(args);
        const window = current;
        if (window && handlerContext.commandName === 'PutEventsCommand') {
          window.putEvents.push({ entries: (args as { input?: { Entries?: PutEventsEntry[] } }).input?.Entries ?? [], ms: performance.now() - started });
          const answered = performance.now();
          void runtime.bus.idle().then(() => window.consumerMs.push(performance.now() - answered));
        }
        return result;
      },
      { step: 'initialize', name: PUT_EVENTS_MIDDLEWARE },
    );

    const measure = async (request: ApiRequest, status: number): Promise<{ sample: Sample; json: any }> => {
      const sample: Sample = { ms: 0, calls: [], background: [], putEvents: [], consumerMs: [], webhookAttempts: 0 };
      current = sample;
      try {
        const { result, calls, background } = await recorder.during(() => api.expect(request, status));
        const settled = await recorder.during(() => runtime.settle());
        sample.ms = result.ms;
        sample.calls = calls;
        sample.background = [...background, ...settled.background];
        return { sample, json: result.json };
      } finally {
        current = undefined;
      }
    };
    const untimed = async (request: ApiRequest, status: number) => {
      const response = await api.expect(request, status);
      await runtime.settle();
      return response.json;
    };

    const measuredOps = new Map<string, OperationCost>();
    let adminNote = '';
    try {
      context.progress('capacity: a tenant with a webhook endpoint, a stored admin key');
      const fx: Fixtures = await anotherTenant(api, context.fixtures, 'Épicerie des capacités');
      await api.expect(
        fx.asTenant({ method: 'POST', path: '/v1/webhook-endpoints', body: { url: receiver.url, events: [...WEBHOOK_EVENTS], description: 'bench receiver' } }),
        201,
      );
      // An admin key stored in the table, as in AWS (the run's HUB_ADMIN_API_KEY is compared in memory, with no lookup).
      const issued = await bootstrapAdminKey();
      const adminKey = issued?.key ?? api.adminKey;
      adminNote = issued ? 'with an admin key stored in the table, as in AWS' : 'with the run\'s in-memory admin key: no lookup, where a stored key may add a 0.5 RCU GetItem';
      await runtime.settle();
      recorder.returnConsumedCapacity(true);

      for (const operation of operationsFor(api, fx)) {
        context.progress(`capacity: ${operation.label}`);
        const pool = await operation.prepare(1 + SAMPLES);
        await untimed(pool[0] as ApiRequest, operation.status);
        const samples: Sample[] = [];
        for (let index = 1; index <= SAMPLES; index += 1) {
          if (operation.beforeSample) {
            await operation.beforeSample();
            await runtime.settle();
          }
          samples.push((await measure(pool[index] as ApiRequest, operation.status)).sample);
        }
        measuredOps.set(operation.id, summarise(operation.id, operation.label, operation.request, samples));
      }

      // The rest of a delivery's life: assignment by the hub, delivery, the recipient's tracking page.
      context.progress('capacity: assignment, delivery, tracking');
      const lifecycle = { assign: [] as Sample[], delivered: [] as Sample[], trackPage: [] as Sample[], trackJson: [] as Sample[] };
      for (let index = 0; index <= SAMPLES; index += 1) {
        const warm = index === 0;
        const keep = (list: Sample[], sample: Sample) => {
          if (!warm) list.push(sample);
        };
        const booked = await untimed(fx.asTenant({ method: 'POST', path: '/v1/deliveries', body: quoteBody() }), 201);
        const id = booked.id as string;
        const token = booked.tracking.token as string;
        keep(lifecycle.assign, (await measure({ method: 'POST', path: `/v1/hub/deliveries/${id}/assign`, key: adminKey, body: { courierId: fx.courierId } }, 200)).sample);
        await untimed(fx.asCourier({ method: 'POST', path: `/v1/courier/deliveries/${id}/events`, body: { type: 'picked_up' } }), 200);
        keep(
          lifecycle.delivered,
          (await measure(fx.asCourier({ method: 'POST', path: `/v1/courier/deliveries/${id}/events`, body: { type: 'delivered', proof: { recipientName: 'Camille Martin' } } }), 200)).sample,
        );
        keep(lifecycle.trackPage, (await measure({ method: 'GET', path: `/track/${token}`, key: null }, 200)).sample);
        keep(lifecycle.trackJson, (await measure({ method: 'GET', path: `/v1/track/${token}`, key: null }, 200)).sample);
      }
      measuredOps.set('assign', summarise('assign', 'assignment (hub)', 'POST /v1/hub/deliveries/{id}/assign (admin)', lifecycle.assign, adminNote));
      measuredOps.set('delivered', summarise('delivered', 'courier event: delivered', 'POST /v1/courier/deliveries/{id}/events {delivered}', lifecycle.delivered));
      measuredOps.set('track-page', summarise('track-page', 'tracking page view', 'GET /track/{token} (public)', lifecycle.trackPage));
      measuredOps.set('track-json', summarise('track-json', 'tracking JSON', 'GET /v1/track/{token} (public)', lifecycle.trackJson));
    } catch (error) {
      failures.push(`capacity: ${String(error).slice(0, 500)}`);
    } finally {
      recorder.returnConsumedCapacity(false);
      stack.remove(PUT_EVENTS_MIDDLEWARE);
      await receiver.stop();
    }
    results = measuredOps;
    loggedConsumers = eventRules.map((rule) => rule.name);

    const rows = [...measuredOps.values()];
    for (const row of rows) {
      if (row.readUnits + row.writeUnits === 0 && row.roundTrips > 0) failures.push(`capacity: ${row.label} reported no capacity units for ${row.roundTrips} call(s)`);
    }
    const markdown = [
      `Each operation once more (after one warm-up, ${SAMPLES} samples, averaged) with \`ReturnConsumedCapacity: 'INDEXES'\` added to every command of the ` +
        'handlers\' and consumers\' document client (`db()`) by a client middleware: `INDEXES` reports what `TOTAL` does, plus the share of each index. ' +
        'DynamoDB Local computes capacity units as AWS does for provisioned tables (RCU/WCU); an on-demand table is billed the same units as read and write ' +
        'request units (RRU/WRU): an eventually consistent read of up to 4 KB is 0.5, a strongly consistent one 1; a write is 1 per KB, for the table and again for each ' +
        'index whose item it writes; a transaction counts twice.',
      '',
      `The requests are made for a tenant of their own that has one webhook endpoint (a local receiver answering 204) subscribed to ${WEBHOOK_EVENTS.map((type) => `\`${type}\``).join(' and ')}, ` +
        'so a delivery sets off two webhook attempts, as a tenant with an integration would; the courier and the slot are the run\'s. Background: what the ' +
        `outbox relay and the consumers (${loggedConsumers.join(', ')}) did once the request\'s events reached them; consumer invocations are the rules each ` +
        'event matches (`shared/events/rules.ts`), relay invocations one per relayed batch (PutEvents call).',
      '',
      table(
        [
          'operation',
          'request',
          'DynamoDB calls of the request',
          'round trips',
          'RCU',
          'WCU',
          'then, in the background',
          'RCU',
          'WCU',
          'events',
          'consumer + relay invocations',
          'e-mails',
          'webhook attempts',
          'median ms',
        ],
        rows.map((row) => [
          row.label,
          `\`${row.request}\`${row.note ? ` (${row.note})` : ''}`,
          row.calls,
          String(row.roundTrips),
          unitsText(row.readUnits),
          withIndexes(row.writeUnits, row.indexWrites),
          row.backgroundCalls,
          unitsText(row.backgroundReadUnits),
          withIndexes(row.backgroundWriteUnits, row.backgroundIndexWrites),
          row.events === 0 ? '0' : `${unitsText(row.events)} (${row.eventTypes.join(', ')})`,
          `${unitsText(row.consumerInvocations)} + ${unitsText(row.relayInvocations)}`,
          unitsText(row.emails),
          unitsText(row.webhookAttempts),
          ms(row.requestMs),
        ]),
      ),
      '',
      'Reading the table: on demand a write unit costs 5 times a read unit, and the indexes multiply writes: the delivery item carries the keys of ' +
        'its listings (`gsi1`–`gsi5`) and the indexes project every attribute (the table definition sets no projection: ALL), so each write of a delivery ' +
        'is written again in each index that holds it, twice where its index key changes (a status change moves it in `gsi2` and `gsi3`: a delete and a put). ' +
        'The WCU columns show the part written to indexes, by index. The e-mails ' +
        'column is the notifier\'s mail outbox item (`PutItem (notification)`, counted in the background WCU): in AWS with an SES identity that write is an SES ' +
        'e-mail instead (the cost section counts it so).',
    ].join('\n');

    return { title: this.title, markdown, checks: [], failures };
  },
};
