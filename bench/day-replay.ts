import { lambdaEntries, type FunctionLayout } from '../infra/bundling.js';
import { eventRules, outboxRelay } from '../shared/app/rules.js';
import { schedules } from '../shared/app/schedules.js';
import { coldStartResults } from './cold-start.js';
import { dayWithEve, functionResolver, generateDay, latencySummary, mulberry32, replay, type FunctionTally, type Invocation, type Target } from './day-model.js';
import { latencyResults } from './latency.js';
import { table } from './report.js';
import type { BenchContext, Check, Section, SectionResult } from './section.js';
import { ms } from './stats.js';

/** Issue 13 item 2: instance lifetimes after the last invocation. */
const IDLE_MINUTES = [5, 15] as const;
/** The target's volume, and the sensitivity around it. */
const TARGET_VOLUME = 200;
const VOLUMES = [50, TARGET_VOLUME, 1000] as const;
/** Days replayed per volume (seeds 1…n), pooled. `BENCH_DAY_SEEDS` to change it. */
const SEEDS = Math.max(1, Number(process.env.BENCH_DAY_SEEDS ?? 5));
/** Issue 13's target: under 2 % of HTTP requests cold at 200 deliveries a day, N = 5, the deployed (grouped) layout. */
const TARGET_SHARE = 0.02;

/**
 * API Gateway (HTTP API) between the caller and Lambda, warm: AWS publishes no figure; the
 * difference between an HTTP API's `Latency` and `IntegrationLatency` is commonly a few ms to
 * about 10 ms. A constant, modelled: added to every HTTP request's latency, cold or warm.
 */
const GATEWAY_MS = 10;
/**
 * Only when the latency section did not run: one DynamoDB round trip in the region (single-digit ms
 * for a GetItem or a small write), modelled. The round trips per operation are those the
 * round-trip section counts (`docs/benchmarks.md`).
 */
const DYNAMODB_ROUND_TRIP_MS = 6;
/**
 * Warm durations of the functions no one waits for (they only decide how long an instance is
 * busy, so whether a second one is needed): modelled, per rule, schedule and the relay.
 */
const BACKGROUND_MS: Record<string, number> = {
  [outboxRelay.name]: 40, // unmarshal a batch, one PutEvents
  'audit-trail': 25, // one PutItem
  'billing-ledger': 30, // one conditional write
  'notify-recipient': 150, // claim, one SES SendEmail, release
  'webhook-dispatch': 150, // the tenant's endpoints (a Query), then an HTTPS POST to each
  'billing-stripe-push': 2_000, // several Stripe API calls
  'webhook-retries': 20, // one Query, usually nothing due
  'monthly-billing-run': 60_000, // every tenant's month
};
const BACKGROUND_DEFAULT_MS = 50;

/**
 * Which of the latency section's operations (`bench/operations.ts`) stands for a request's work:
 * `exact` for the route it measures (the same request), an analogue for the others (the same
 * DynamoDB calls or the nearest, by the round-trip table). `roundTrips`: the operation's, by the
 * round-trip section, for the fallback when the latency section did not run.
 */
const OPERATIONS: Record<string, { id: string; exact?: string; roundTrips: number }> = {
  quote: { id: 'quote', exact: 'createQuote', roundTrips: 1 },
  'book-quote': { id: 'book-quote', exact: 'createDelivery', roundTrips: 2 },
  'book-direct': { id: 'book-direct', exact: 'createDelivery', roundTrips: 1 },
  'book-slot': { id: 'book-slot', exact: 'createDelivery', roundTrips: 2 },
  'inbound-booked': { id: 'book-direct', roundTrips: 1 },
  'inbound-kept': { id: 'quote', roundTrips: 1 },
  'book-order': { id: 'book-quote', roundTrips: 2 },
  get: { id: 'get', exact: 'getDelivery', roundTrips: 1 },
  list: { id: 'list', exact: 'listDeliveries', roundTrips: 1 },
  report: { id: 'list', roundTrips: 1 },
  tracking: { id: 'get', roundTrips: 1 },
  position: { id: 'courier-position', exact: 'courierEvent', roundTrips: 2 },
  picked_up: { id: 'courier-picked-up', exact: 'courierEvent', roundTrips: 2 },
  delivered: { id: 'courier-picked-up', roundTrips: 2 },
  failed: { id: 'courier-picked-up', roundTrips: 2 },
  assign: { id: 'courier-picked-up', roundTrips: 2 },
  cancel: { id: 'courier-picked-up', roundTrips: 2 },
  'stripe-webhook': { id: 'courier-picked-up', roundTrips: 2 },
  settings: { id: 'quote', roundTrips: 1 },
  static: { id: 'health', exact: 'health', roundTrips: 0 },
  'unknown-route': { id: 'health', roundTrips: 0 },
};

const LAYOUTS: ReadonlyArray<{ layout: FunctionLayout; label: string }> = [
  { layout: 'per-route', label: 'per route (before)' },
  { layout: 'grouped', label: 'grouped (deployed)' },
];

const percent = (share: number) => `${(share * 100).toFixed(2)} %`;
const routeOf = (target: Target) => (target.kind === 'http' ? target.route : target.kind === 'fallback' ? '$default' : undefined);

interface Pooled {
  volume: number;
  layout: FunctionLayout;
  idleMinutes: number;
  days: number;
  http: { requests: number; cold: number };
  all: { invocations: number; cold: number };
  /** Share of HTTP requests cold, each day. */
  dailyShares: number[];
  latencies: number[];
  coldLatencies: number[];
  functions: Map<string, FunctionTally>;
  functionsInvoked: number;
  deployed: number;
}

/**
 * Issue 13 item 2, "Measure what a user feels": a day of the cooperative replayed against a
 * model of Lambda instances, for the former layout and the deployed one.
 */
export const dayReplaySection: Section = {
  id: 'day-replay',
  title: 'A day of the cooperative against Lambda instances',
  async run(context: BenchContext): Promise<SectionResult> {
    const started = performance.now();
    const cold = coldStartResults();
    if (!cold) {
      const text = 'the day replay needs the cold-start section of the same run (`BENCH_SECTIONS=bundles,cold-start,day-replay`)';
      return { title: this.title, markdown: `Not run: ${text}.`, checks: [], failures: [text] };
    }
    const failures: string[] = [];
    const measured = latencyResults();
    const entries = { grouped: lambdaEntries('grouped'), 'per-route': lambdaEntries('per-route') } as const;
    const resolvers = { grouped: functionResolver(entries.grouped), 'per-route': functionResolver(entries['per-route']) } as const;
    const coldOf = { grouped: cold.grouped, 'per-route': cold.perRoute } as const;
    for (const { layout } of LAYOUTS) {
      for (const entry of entries[layout]) if (!coldOf[layout].has(entry.name)) failures.push(`day replay: no cold-start measurement of ${entry.name} (${layout})`);
    }

    // Warm durations: what the latency section measured for the operation (sampled from its requests), else modelled.
    const warmMs = (invocation: Invocation, random: () => number): number => {
      if (!invocation.http) {
        const key = invocation.target.kind === 'consumer' ? invocation.target.rule : invocation.target.kind === 'schedule' ? invocation.target.schedule : outboxRelay.name;
        return BACKGROUND_MS[key] ?? BACKGROUND_DEFAULT_MS;
      }
      const operation = OPERATIONS[invocation.work];
      if (!operation) throw new Error(`day replay: no duration for the work '${invocation.work}'`);
      const times = measured?.get(operation.id);
      if (times && times.length > 0) return times[Math.floor(random() * times.length)] as number;
      // The route's own handler, warm, in its own per-route bundle (the second invocation of the cold-start child), plus its round trips.
      const own = cold.perRoute.get(resolvers['per-route'](invocation.target))?.warmMs;
      const base = (Number.isFinite(own) ? (own as number) : 1) + operation.roundTrips * DYNAMODB_ROUND_TRIP_MS;
      return base * (0.75 + 0.5 * random());
    };
    const coldStartMs = (layout: FunctionLayout) => (name: string) => coldOf[layout].get(name)?.medianMs ?? Number.NaN;

    context.progress(`day replay: ${VOLUMES.join(', ')} deliveries a day, ${SEEDS} days each, ${LAYOUTS.length} layouts, N = ${IDLE_MINUTES.join(' and ')} min`);
    const pooled: Pooled[] = [];
    const dayCounts = new Map<number, { http: number; all: number }>();
    for (const volume of VOLUMES) {
      for (let seed = 1; seed <= SEEDS; seed += 1) {
        const { day, invocations } = dayWithEve({ deliveriesPerDay: volume, seed });
        const counts = dayCounts.get(volume) ?? { http: 0, all: 0 };
        counts.http += day.invocations.filter((invocation) => invocation.http).length;
        counts.all += day.invocations.length;
        dayCounts.set(volume, counts);
        for (const { layout } of LAYOUTS) {
          for (const idleMinutes of IDLE_MINUTES) {
            const result = replay(invocations, {
              idleMinutes,
              functionOf: resolvers[layout],
              coldStartMs: coldStartMs(layout),
              durationMs: warmMs,
              gatewayMs: GATEWAY_MS,
              countFrom: 0,
              seed,
            });
            let row = pooled.find((candidate) => candidate.volume === volume && candidate.layout === layout && candidate.idleMinutes === idleMinutes);
            if (!row) {
              row = {
                volume,
                layout,
                idleMinutes,
                days: 0,
                http: { requests: 0, cold: 0 },
                all: { invocations: 0, cold: 0 },
                dailyShares: [],
                latencies: [],
                coldLatencies: [],
                functions: new Map(),
                functionsInvoked: 0,
                deployed: entries[layout].length,
              };
              pooled.push(row);
            }
            row.days += 1;
            row.http.requests += result.http.requests;
            row.http.cold += result.http.cold;
            row.all.invocations += result.all.invocations;
            row.all.cold += result.all.cold;
            row.dailyShares.push(result.http.share);
            for (const latency of result.latencies) row.latencies.push(latency);
            row.functionsInvoked = Math.max(row.functionsInvoked, result.functionsInvoked);
            for (const [name, tally] of result.functions) {
              const sum = row.functions.get(name) ?? { invocations: 0, httpRequests: 0, cold: 0, coldHttp: 0, instancesStarted: 0, peakInstances: 0 };
              sum.invocations += tally.invocations;
              sum.httpRequests += tally.httpRequests;
              sum.cold += tally.cold;
              sum.coldHttp += tally.coldHttp;
              sum.instancesStarted += tally.instancesStarted;
              sum.peakInstances = Math.max(sum.peakInstances, tally.peakInstances);
              row.functions.set(name, sum);
            }
          }
        }
      }
    }
    const elapsed = (performance.now() - started) / 1000;

    const find = (volume: number, layout: FunctionLayout, idleMinutes: number) =>
      pooled.find((row) => row.volume === volume && row.layout === layout && row.idleMinutes === idleMinutes) as Pooled;
    const target = find(TARGET_VOLUME, 'grouped', 5);
    const targetShare = target.http.cold / Math.max(1, target.http.requests);
    const worstDay = Math.max(...target.dailyShares);
    const perDay = (value: number, row: Pooled) => (value / row.days).toFixed(value / row.days < 100 ? 1 : 0);

    // The day itself, at the target volume (seed 1), for the reader.
    const sample = generateDay({ deliveriesPerDay: TARGET_VOLUME, seed: 1 });
    const countOf = (predicate: (invocation: Invocation) => boolean) => sample.invocations.filter(predicate).length;
    const http = (route: string) => (invocation: Invocation) => routeOf(invocation.target) === route;
    const dayLine =
      `The day at ${TARGET_VOLUME} deliveries (seed 1): ${sample.options.tenants} tenants, ${sample.options.couriers} couriers, ` +
      `${countOf((invocation) => invocation.http)} HTTP requests and ${countOf((invocation) => !invocation.http)} background invocations: ` +
      `${countOf((invocation) => invocation.work === 'position')} position reports, ${countOf(http('courierEvent')) - countOf((invocation) => invocation.work === 'position')} other courier events, ` +
      `${countOf(http('createQuote'))} quotes, ${countOf(http('createDelivery'))} bookings through the API and ${countOf(http('inboundOrder'))} shops' orders, ` +
      `${countOf(http('trackingPage')) + countOf(http('getTracking'))} tracking opens, ${countOf(http('listDeliveries')) + countOf(http('getDelivery'))} tenants' and hub's delivery reads, ` +
      `${countOf(http('assignDelivery'))} assignments, ${countOf(http('stripeWebhook'))} Stripe calls, ${countOf((invocation) => invocation.target.kind === 'fallback')} unknown paths; ` +
      `${countOf((invocation) => invocation.target.kind === 'relay')} relay batches, ${countOf((invocation) => invocation.target.kind === 'consumer')} consumer invocations ` +
      `(${eventRules.map((rule) => `${rule.name} ${countOf((invocation) => invocation.target.kind === 'consumer' && invocation.target.rule === rule.name)}`).join(', ')}), ` +
      `${schedules.map((schedule) => `${schedule.name} ×${countOf((invocation) => invocation.target.kind === 'schedule' && invocation.target.schedule === schedule.name)}`).join(', ')}.`;

    const summaryRows = pooled.map((row) => {
      const latency = latencySummary(row.latencies);
      const share = row.http.cold / Math.max(1, row.http.requests);
      const label = LAYOUTS.find((candidate) => candidate.layout === row.layout)?.label ?? row.layout;
      return [
        String(row.volume),
        row.volume === TARGET_VOLUME ? `**${label}**` : label,
        String(row.idleMinutes),
        perDay(row.http.requests, row),
        perDay(row.http.cold, row),
        `${row.volume === TARGET_VOLUME && row.layout === 'grouped' && row.idleMinutes === 5 ? '**' : ''}${percent(share)}${row.volume === TARGET_VOLUME && row.layout === 'grouped' && row.idleMinutes === 5 ? '**' : ''}`,
        `${percent(Math.min(...row.dailyShares))}–${percent(Math.max(...row.dailyShares))}`,
        percent(row.all.cold / Math.max(1, row.all.invocations)),
        ms(latency.p50),
        ms(latency.p95),
        ms(latency.p99),
        `${row.functionsInvoked} / ${row.deployed}`,
        perDay(row.all.cold, row),
      ];
    });

    const functionRows = (layout: FunctionLayout) => {
      const row = find(TARGET_VOLUME, layout, 5);
      return [...row.functions]
        .sort((a, b) => b[1].invocations - a[1].invocations)
        .map(([name, tally]) => [
          `\`${name}\``,
          LAYOUTS.find((candidate) => candidate.layout === layout)?.label ?? layout,
          coldOf[layout].get(name)?.serves ?? '',
          perDay(tally.invocations, row),
          perDay(tally.httpRequests, row),
          perDay(tally.cold, row),
          percent(tally.cold / Math.max(1, tally.invocations)),
          String(tally.peakInstances),
          ms(coldOf[layout].get(name)?.medianMs ?? Number.NaN),
        ]);
    };

    const routesOfWork = new Map<string, Set<string>>();
    const durationsOfWork = new Map<string, number[]>();
    const draw = mulberry32(1);
    for (const invocation of sample.invocations) {
      const route = routeOf(invocation.target);
      if (!route) continue;
      routesOfWork.set(invocation.work, (routesOfWork.get(invocation.work) ?? new Set()).add(route));
      const list = durationsOfWork.get(invocation.work) ?? [];
      list.push(warmMs(invocation, draw));
      durationsOfWork.set(invocation.work, list);
    }
    const durationRows = Object.entries(OPERATIONS).map(([work, operation]) => {
      const times = measured?.get(operation.id);
      const used = [...(routesOfWork.get(work) ?? [])];
      const analogues = used.filter((route) => route !== operation.exact);
      const source = times
        ? `latency section: \`${operation.id}\`` + (analogues.length === 0 ? '' : used.length === analogues.length ? ' (analogue)' : ` (analogue for all but \`${operation.exact}\`)`)
        : `the route's own bundle, second invocation in the cold-start child, + ${operation.roundTrips} × ${DYNAMODB_ROUND_TRIP_MS} ms, ±25 %`;
      const drawn = latencySummary(durationsOfWork.get(work) ?? []);
      return [`\`${work}\``, used.map((route) => `\`${route}\``).join(', ') || '—', source, String(drawn.n), ms(drawn.p50), ms(drawn.p99)];
    });

    const coldShare = (layout: FunctionLayout, idleMinutes: number) => {
      const row = find(TARGET_VOLUME, layout, idleMinutes);
      return percent(row.http.cold / Math.max(1, row.http.requests));
    };
    const lines = [
      `A day of the cooperative is generated (\`bench/day-model.ts\`, seeded: the same seed gives the same day) and replayed, request by request, against a model of Lambda ` +
        `instances, for the former layout (one function per route: \`lambdaEntries('per-route')\`) and the deployed one (\`lambdaEntries('grouped')\`), with N = ${IDLE_MINUTES.join(' and ')} minutes ` +
        `of life after an instance's last invocation. ${SEEDS} days per volume (seeds 1–${SEEDS}; \`BENCH_DAY_SEEDS\` to change), each preceded by the day before (so the instances at midnight are those the evening left); ` +
        `figures are per day, pooled over the days. The replay took ${elapsed.toFixed(1)} s.`,
      '',
      '**Measured** (this run): the cold-start proxy of every function of both layouts (the cold-start section above: median of fresh processes, process start → first answer, ' +
        'which includes a first short invocation); ' +
        (measured
          ? 'the warm duration of each request, drawn at random from the requests the latency section timed for the same operation (or its analogue, table below: HTTP → handler → DynamoDB Local, on this machine).'
          : `not the warm durations: the latency section did not run, so a request's warm duration is the second invocation of its route's own bundle in the cold-start child (its handler with no data) plus its DynamoDB round trips at ${DYNAMODB_ROUND_TRIP_MS} ms each, ±25 % (run the latency section with this one to use measured durations).`),
      '',
      `**Modelled**: the day (below); API Gateway's own time, ${GATEWAY_MS} ms on every HTTP request; the background functions' durations (${Object.entries(BACKGROUND_MS)
        .map(([name, value]) => `${name} ${value} ms`)
        .join(', ')}), which only decide when a second instance is needed; the stream and bus delays (records reach the relay 100–600 ms after the write, batched by 250 ms up to ${outboxRelay.batchSize}; ` +
        'consumers 150–500 ms after the relay). The instances: per function a pool; an invocation goes to an idle instance whose last invocation ended at most N minutes before, ' +
        'the most recently used first (as Lambda does); otherwise a new instance starts, and that invocation is cold: the caller waits for the cold-start proxy plus the warm duration; ' +
        'an instance serves one invocation at a time (busy for its cold start and duration). The latency a user sees = API Gateway + (cold start if cold) + warm duration. ' +
        'Not modelled: Lambda recycling instances after some hours whatever their use, and scaling limits; AWS does not document N (observed from a few minutes to more than 15); ' +
        'a fresh container also reads the API key and the hub settings once (a round trip or two), not in the proxy.',
      '',
      '**The day** (`generateDay`, Europe/Paris wall clock): tenants book through office hours (8:00–18:00, morning peak), 40 % after 1–3 quotes, 28 % directly, 12 % on a pickup slot ' +
        '(after listing the slots), 20 % through a shop\'s integration (posted 7:00–19:00; one in ten kept for the tenant to fix and book by hand); 2 % are cancelled, 3 % fail. ' +
        'The hub assigns each delivery to the courier free first a few minutes before the ride; a courier (one per 25 deliveries, at least 2) rides to the pickup (3–10 min), ' +
        'picks up (2–5 min), rides to the drop-off (8–20 min), reporting a position every 30 s while riding, then reports `picked_up` and `delivered`/`failed`, and lists their deliveries ' +
        'at the start of the shift and after each one. Recipients open the tracking link after the booking e-mail (70 %), during the ride (50 %, again 20 %), after the outcome e-mail ' +
        '(25 %), refreshing 30 % of the time. Tenants read their deliveries (1.2 reads each, a dashboard listing), the hub lists every 5–15 min from 7:30 to 19:00 plus a few reads, ' +
        'the accountant a few reports (more on the 1st); scanners hit a dozen unknown paths a day; customers pay a Stripe invoice now and then (`invoice.paid`). Every write that ' +
        'emits an event goes through the relay, then to each consumer whose rule (`shared/app/rules.ts`) matches it; the schedules run at their expression\'s rate (`shared/app/schedules.ts`): ' +
        'the replayed day is a 1st of the month, so the monthly billing run fires at 02:00, issuing one invoice per tenant (Stripe then calls back twice per Stripe invoice).',
      '',
      dayLine,
      '',
      `**Target: under ${percent(TARGET_SHARE).replace('.00', '')} of HTTP requests cold at ${TARGET_VOLUME} deliveries a day with N = 5, deployed layout: ${percent(targetShare)} ` +
        `(worst of the ${SEEDS} days ${percent(worstDay)}); before, one function per route: ${coldShare('per-route', 5)}.** With N = 15: ${coldShare('grouped', 15)} grouped, ` +
        `${coldShare('per-route', 15)} per route. The item's other target, every function's cold-start proxy ≤ 150 ms, is the cold-start section's check (not repeated here).`,
      '',
      table(
        [
          'deliveries a day',
          'layout',
          'N min',
          'HTTP requests a day',
          'cold HTTP a day',
          'cold share, HTTP',
          'range over the days',
          'cold share, all invocations',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'functions invoked / deployed',
          'instances started a day',
        ],
        summaryRows,
      ),
      '',
      'p50/p95/p99: the latency HTTP callers see (API Gateway + cold start when cold + warm duration), over every HTTP request of the days, nearest rank. ' +
        '"All invocations" adds the relay, the consumers and the schedules (no one waits on those). Every instance starts with a cold invocation: instances started = cold invocations.',
      '',
      `**Per function**, ${TARGET_VOLUME} deliveries a day, N = 5 (per day, over the ${SEEDS} days; "peak": most instances alive at once on any day):`,
      '',
      table(
        ['function', 'layout', 'serves', 'invocations a day', 'of which HTTP', 'cold a day', 'cold %', 'peak instances', 'cold start ms (proxy)'],
        [...functionRows('grouped'), ...functionRows('per-route')],
      ),
      '',
      '**Warm durations per kind of request** (the same in both layouts: the same handler runs; analogues have the same DynamoDB calls as the row they borrow, by the round-trip table, or the nearest). ' +
        'p50/p99 of the durations drawn for that kind\'s requests of one day, without API Gateway:',
      '',
      table(['work', 'routes (in the day)', 'warm duration from', 'requests (day at 200, seed 1)', 'p50 ms', 'p99 ms'], durationRows),
    ];

    const checks: Check[] = [
      {
        text: `< 2 % of HTTP requests cold, ${TARGET_VOLUME} deliveries/day, N = 5, grouped layout (${percent(targetShare)} over ${SEEDS} modelled days, worst day ${percent(worstDay)}; per route: ${coldShare('per-route', 5)})`,
        met: worstDay < TARGET_SHARE && failures.length === 0,
      },
    ];
    return { title: this.title, markdown: lines.join('\n'), checks, failures };
  },
};
