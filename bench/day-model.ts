import type { LambdaEntry } from '../infra/bundling.js';
import { billingEvents } from '../shared/billing/events.js';
import { routes, type RouteName } from '../shared/app/routes.js';
import { eventRules, outboxRelay } from '../shared/app/rules.js';
import { schedules } from '../shared/app/schedules.js';
import { EVENT_SOURCE } from '../shared/config.js';
import { deliveryEvents } from '../shared/deliveries/events.js';
import { matchesEventPattern } from '../shared/events/pattern.js';
import { FALLBACK_GROUP } from '../shared/http/function-groups.js';
import type { ScheduleDefinition } from '../shared/schedule.js';
import { summarize, type Summary } from './stats.js';

/**
 * A model of one day of a cooperative, and of the Lambda instances that serve it (issue 13,
 * "Measure what a user feels"). Pure and deterministic: no I/O, no clock, no `Math.random`.
 *
 * - `generateDay` makes one day's invocations from a seeded PRNG: tenants quoting and booking
 *   through office hours, recipients opening tracking links, couriers reporting positions every
 *   30 s while riding, the hub's and the accountant's reads, shops' inbound orders, Stripe's
 *   calls, then what each write sets off (the outbox relay per stream batch, each consumer whose
 *   rule matches: the real rules of `shared/app/rules.ts`) and the schedules of
 *   `shared/app/schedules.ts` at their real rate.
 * - Each invocation names a route of the route table (or a consumer, a schedule, the relay), never
 *   a function: `functionResolver(lambdaEntries(layout))` maps them for a layout, from the same
 *   entries the stack is made of.
 * - `replay` runs the invocations through a pool of instances per function: an instance lives
 *   `idleMinutes` after its last invocation ended, serves one invocation at a time, and the most
 *   recently used idle one is chosen (as Lambda does); otherwise a new one starts (cold).
 */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** mulberry32: a tiny 32-bit PRNG, floats in [0, 1); the same seed gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Draws from a PRNG. */
export class Dice {
  constructor(readonly next: () => number) {}
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.min(items.length - 1, Math.floor(this.next() * items.length))] as T;
  }
  weighted<T>(pairs: ReadonlyArray<readonly [T, number]>): T {
    const total = pairs.reduce((sum, [, weight]) => sum + weight, 0);
    let left = this.next() * total;
    for (const [value, weight] of pairs) {
      left -= weight;
      if (left < 0) return value;
    }
    return (pairs.at(-1) as readonly [T, number])[0];
  }
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
  /** Poisson (Knuth's method: the means here are small). */
  count(mean: number): number {
    if (mean <= 0) return 0;
    const limit = Math.exp(-mean);
    let k = 0;
    let product = this.next();
    while (product > limit) {
      k += 1;
      product *= this.next();
    }
    return k;
  }
}

/** What is invoked: a route of the table, API Gateway's `$default`, a consumer (rule name), a schedule (name), or the outbox relay. */
export type Target =
  | { kind: 'http'; route: RouteName }
  | { kind: 'fallback' }
  | { kind: 'consumer'; rule: string }
  | { kind: 'schedule'; schedule: string }
  | { kind: 'relay' };

/** An event a write puts in the outbox, `after` ms after the invocation started (when its write commits). */
export interface Emitted {
  type: string;
  /** `data.provider` of invoice events (the Stripe push rule matches on it). */
  provider?: string;
  after?: number;
}

export interface Invocation {
  /** Ms from the replayed day's midnight (Europe/Paris wall clock); negative for the day before. */
  at: number;
  target: Target;
  /** What it does, finer than the route (`position`, `picked_up`, `book-quote`…): picks its warm duration. */
  work: string;
  /** A request through API Gateway: someone (a person, a shop, Stripe) waits for the answer. */
  http: boolean;
  /** The delivery it belongs to (its index in `Day.deliveries`). */
  delivery?: number;
  /** Events its writes put in the outbox. */
  emits?: Emitted[];
}

export type Channel = 'quote' | 'direct' | 'slot' | 'inbound' | 'inbound-fixed';

export interface PlannedDelivery {
  index: number;
  tenant: number;
  channel: Channel;
  bookedAt: number;
  outcome: 'delivered' | 'failed' | 'cancelled';
  courier?: number;
  /** The ride (not for a cancelled delivery). */
  startAt?: number;
  pickedUpAt?: number;
  endAt?: number;
  /** When the courier is riding (and reports a position every 30 s): to the pickup, then to the drop-off. */
  riding: Array<{ from: number; to: number }>;
}

export interface DayOptions {
  /** Deliveries booked in the day (each is ridden the same day unless cancelled). Default 200. */
  deliveriesPerDay?: number;
  seed?: number;
  /** Couriers on shift; default one per 25 deliveries, at least 2 (8 at 200 a day). */
  couriers?: number;
  /** Tenants (shops and businesses) booking; default one per 15 deliveries, at least 3 (13 at 200 a day). */
  tenants?: number;
  /** The day of the month (the monthly billing run fires on the 1st). Default 1: the night's schedules include it. */
  dayOfMonth?: number;
  /** Seconds between two position reports of a riding courier. Default 30. */
  positionEverySeconds?: number;
  /** An uptime monitor calling `GET /health` every so many minutes; 0 (default): none. */
  healthCheckEveryMinutes?: number;
}

export interface Day {
  options: Required<DayOptions>;
  /** Sorted by `at`. */
  invocations: Invocation[];
  deliveries: PlannedDelivery[];
}

export function resolveOptions(options: DayOptions = {}): Required<DayOptions> {
  const deliveriesPerDay = Math.max(0, Math.round(options.deliveriesPerDay ?? 200));
  return {
    deliveriesPerDay,
    seed: options.seed ?? 1,
    couriers: options.couriers ?? Math.max(2, Math.ceil(deliveriesPerDay / 25)),
    tenants: options.tenants ?? Math.max(3, Math.round(deliveriesPerDay / 15)),
    dayOfMonth: options.dayOfMonth ?? 1,
    positionEverySeconds: options.positionEverySeconds ?? 30,
    healthCheckEveryMinutes: options.healthCheckEveryMinutes ?? 0,
  };
}

/** Bookings through office hours (Europe/Paris), with a morning peak: weight per hour. */
const BOOKING_HOURS: ReadonlyArray<readonly [number, number]> = [
  [8, 1.2],
  [9, 2],
  [10, 2],
  [11, 1.5],
  [12, 0.7],
  [13, 0.8],
  [14, 1],
  [15, 1],
  [16, 0.8],
  [17, 0.5],
];
/** Shops' orders (integrations) come in flatter, from 7:00 to 19:00 (later ones are ridden the next day: not modelled). */
const INBOUND_HOURS: ReadonlyArray<readonly [number, number]> = Array.from({ length: 12 }, (_, index) => [7 + index, index < 2 ? 0.6 : 1] as const);
/** How deliveries are booked: a quote first, directly, on a pickup slot, or by a shop's integration. */
const CHANNELS: ReadonlyArray<readonly [Channel, number]> = [
  ['quote', 0.4],
  ['direct', 0.28],
  ['slot', 0.12],
  ['inbound', 0.2],
];
/** Share of inbound orders kept for the tenant to fix (an address the geocoder could not place), then booked by hand. */
const INBOUND_KEPT = 0.1;
const CANCELLED = 0.02;
const FAILED = 0.03;
/** The reads a tenant makes now and then, besides its deliveries. */
const TENANT_MISC_READS: readonly RouteName[] = [
  'getTenant',
  'getDefaultPickup',
  'getTenantRateCard',
  'getHubRateCard',
  'listWebhookEndpoints',
  'listWebhookMessages',
  'listTenantEvents',
  'listSlots',
  'getServiceArea',
  'getCapacity',
];
const ACCOUNTANT_READS: readonly RouteName[] = ['listInvoices', 'getInvoice', 'getReconciliation', 'exportBilling'];

/** When an invocation's write commits, for the stream (the model does not feed the replayed durations back). */
const WRITE_COMMITS_AFTER_MS = 60;
/** DynamoDB Streams to the relay's poll: records reach the relay 100–600 ms after the write. */
const STREAM_DELAY_MS: readonly [number, number] = [100, 600];
/** Records that reach the relay within this window go in one batch (up to `outboxRelay.batchSize`). */
const RELAY_BATCH_WINDOW_MS = 250;
/** From the relay's PutEvents to each matching rule's target invoked. */
const BUS_DELAY_MS: readonly [number, number] = [150, 500];
/** Offset from UTC of a schedule without a timezone, for a cron's hour (Paris in winter). */
const PARIS_UTC_OFFSET_HOURS = 1;

/** Fire times within one day (ms from midnight) of a schedule expression: `rate(…)` or a simple `cron(…)`. */
export function scheduleFireTimes(schedule: Pick<ScheduleDefinition, 'expression' | 'timezone'>, dayOfMonth: number): number[] {
  const rate = schedule.expression.match(/^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/);
  if (rate) {
    const unit = rate[2]!.startsWith('minute') ? MINUTE : rate[2]!.startsWith('hour') ? HOUR : DAY;
    const every = Number(rate[1]) * unit;
    return Array.from({ length: Math.ceil(DAY / every) }, (_, index) => index * every);
  }
  const cron = schedule.expression.match(/^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/);
  if (!cron) throw new Error(`Unsupported schedule expression: ${schedule.expression}`);
  const [, minutes, hours, daysOfMonth, , daysOfWeek] = cron as unknown as string[];
  const values = (field: string, max: number) => {
    if (field === '*' || field === '?') return Array.from({ length: max }, (_, index) => index);
    if (!/^\d+(,\d+)*$/.test(field)) throw new Error(`Unsupported cron field '${field}' in ${schedule.expression}`);
    return field.split(',').map(Number);
  };
  if (daysOfWeek !== '?' && daysOfWeek !== '*') throw new Error(`Unsupported day-of-week in ${schedule.expression}`);
  if (daysOfMonth !== '*' && daysOfMonth !== '?' && !values(daysOfMonth as string, 32).includes(dayOfMonth)) return [];
  const offset = schedule.timezone === 'Europe/Paris' ? 0 : PARIS_UTC_OFFSET_HOURS * HOUR;
  const times: number[] = [];
  for (const hour of values(hours as string, 24)) for (const minute of values(minutes as string, 60)) times.push((hour * HOUR + minute * MINUTE + offset) % DAY);
  return times.sort((a, b) => a - b);
}

/** One day of the cooperative. Same options, same day. */
export function generateDay(options: DayOptions = {}): Day {
  const o = resolveOptions(options);
  const dice = new Dice(mulberry32(o.seed));
  const out: Invocation[] = [];
  const request = (at: number, route: RouteName, work: string, extra: Partial<Pick<Invocation, 'delivery' | 'emits'>> = {}) => {
    if (at >= 0 && at < DAY) out.push({ at, target: { kind: 'http', route }, work, http: true, ...extra });
  };
  const inHours = (from: number, to: number) => dice.uniform(from * HOUR, to * HOUR);
  const officeTime = () => inHours(8.5, 18);
  const hourOf = (weights: ReadonlyArray<readonly [number, number]>) => dice.weighted(weights) * HOUR + dice.uniform(0, HOUR);

  // Tenants: a few book most (weights 1, 1/2, 1/3…); one in two bills through Stripe; the first third have a shop integration.
  const tenantWeights = Array.from({ length: o.tenants }, (_, index) => [index, 1 / (index + 1)] as const);
  const onStripe = (tenant: number) => tenant % 2 === 0;
  const withIntegration = Array.from({ length: Math.max(1, Math.ceil(o.tenants / 3)) }, (_, index) => [index, 1 / (index + 1)] as const);

  // 1. Bookings.
  const deliveries: PlannedDelivery[] = [];
  const ready: number[] = [];
  for (let index = 0; index < o.deliveriesPerDay; index += 1) {
    let channel: Channel = dice.weighted(CHANNELS);
    const tenant = channel === 'inbound' ? dice.weighted(withIntegration) : dice.weighted(tenantWeights);
    let bookedAt: number;
    if (channel === 'inbound') {
      const arrival = hourOf(INBOUND_HOURS);
      if (dice.chance(INBOUND_KEPT)) {
        channel = 'inbound-fixed';
        request(arrival, 'inboundOrder', 'inbound-kept');
        bookedAt = Math.min(arrival + dice.uniform(10 * MINUTE, 90 * MINUTE), 19 * HOUR);
        request(bookedAt - dice.uniform(20 * SECOND, 3 * MINUTE), 'listIntegrationOrders', 'list', { delivery: index });
        request(bookedAt, 'bookIntegrationOrder', 'book-order', { delivery: index, emits: [{ type: deliveryEvents.booked.type }] });
      } else {
        bookedAt = arrival;
        request(arrival, 'inboundOrder', 'inbound-booked', { delivery: index, emits: [{ type: deliveryEvents.booked.type }] });
      }
    } else {
      bookedAt = hourOf(BOOKING_HOURS);
      if (dice.chance(0.1)) request(bookedAt - dice.uniform(1 * MINUTE, 15 * MINUTE), 'getServiceArea', 'get', { delivery: index });
      if (channel === 'quote') {
        const quotes = dice.weighted([
          [1, 0.6],
          [2, 0.3],
          [3, 0.1],
        ] as const);
        const last = bookedAt - dice.uniform(30 * SECOND, 10 * MINUTE);
        for (let quote = 0; quote < quotes; quote += 1) request(last - quote * dice.uniform(20 * SECOND, 2 * MINUTE), 'createQuote', 'quote', { delivery: index });
        if (dice.chance(0.25)) request(dice.uniform(last, bookedAt), 'getQuote', 'get', { delivery: index });
      }
      if (channel === 'slot') request(bookedAt - dice.uniform(20 * SECOND, 3 * MINUTE), 'listSlots', 'list', { delivery: index });
      request(bookedAt, 'createDelivery', `book-${channel}`, { delivery: index, emits: [{ type: deliveryEvents.booked.type }] });
    }
    // Ready for pickup: the next two-hour slot (10:00–16:00) for a slot booking, else 15–75 min after booking.
    let readyAt = bookedAt + dice.uniform(15 * MINUTE, 75 * MINUTE);
    if (channel === 'slot') {
      const slot = Math.ceil((bookedAt + 45 * MINUTE) / (2 * HOUR)) * 2 * HOUR;
      readyAt = Math.max(bookedAt + 45 * MINUTE, Math.min(Math.max(slot, 10 * HOUR), 16 * HOUR));
    }
    const delivery: PlannedDelivery = { index, tenant, channel, bookedAt, outcome: 'delivered', riding: [] };
    if (dice.chance(CANCELLED)) {
      delivery.outcome = 'cancelled';
      request(bookedAt + dice.uniform(2 * MINUTE, 30 * MINUTE), 'cancelDelivery', 'cancel', { delivery: index, emits: [{ type: deliveryEvents.cancelled.type }] });
    }
    deliveries.push(delivery);
    ready.push(readyAt);
  }

  // 2. Rides: in order of readiness, to the courier free first; the hub assigns a few minutes before.
  const couriersFree = Array.from({ length: o.couriers }, () => 7.75 * HOUR);
  const started = new Set<number>();
  const every = o.positionEverySeconds * SECOND;
  const positions = (index: number, from: number, to: number) => {
    for (let at = from + every; at <= to; at += every) request(at + dice.uniform(0, 500), 'courierEvent', 'position', { delivery: index });
  };
  const order = deliveries.filter((delivery) => delivery.outcome !== 'cancelled').sort((a, b) => (ready[a.index] as number) - (ready[b.index] as number));
  for (const delivery of order) {
    const courier = couriersFree.indexOf(Math.min(...couriersFree));
    const startAt = Math.max(ready[delivery.index] as number, (couriersFree[courier] as number) + dice.uniform(1 * MINUTE, 4 * MINUTE));
    if (!started.has(courier)) {
      started.add(courier);
      const shift = startAt - dice.uniform(5 * MINUTE, 15 * MINUTE);
      request(shift, 'listCourierDeliveries', 'list');
      if (dice.chance(0.3)) request(shift + dice.uniform(5 * SECOND, 60 * SECOND), 'getServiceArea', 'get');
    }
    const assignAt = Math.min(Math.max(delivery.bookedAt + dice.uniform(1 * MINUTE, 5 * MINUTE), startAt - dice.uniform(5 * MINUTE, 20 * MINUTE)), startAt - 30 * SECOND);
    request(assignAt, 'assignDelivery', 'assign', { delivery: delivery.index, emits: [{ type: deliveryEvents.assigned.type }] });
    if (dice.chance(0.5)) request(assignAt + dice.uniform(5 * SECOND, 2 * MINUTE), 'listCourierDeliveries', 'list');
    const atPickup = startAt + dice.uniform(3 * MINUTE, 10 * MINUTE);
    const pickedUpAt = atPickup + dice.uniform(2 * MINUTE, 5 * MINUTE);
    const atDropoff = pickedUpAt + dice.uniform(8 * MINUTE, 20 * MINUTE);
    const endAt = atDropoff + dice.uniform(30 * SECOND, 2 * MINUTE);
    delivery.courier = courier;
    delivery.startAt = startAt;
    delivery.pickedUpAt = pickedUpAt;
    delivery.endAt = endAt;
    delivery.riding = [
      { from: startAt, to: atPickup },
      { from: pickedUpAt, to: atDropoff },
    ];
    positions(delivery.index, startAt, atPickup);
    request(pickedUpAt, 'courierEvent', 'picked_up', { delivery: delivery.index, emits: [{ type: deliveryEvents.pickedUp.type }] });
    positions(delivery.index, pickedUpAt, atDropoff);
    delivery.outcome = dice.chance(FAILED) ? 'failed' : 'delivered';
    const outcome = delivery.outcome === 'failed' ? deliveryEvents.failed.type : deliveryEvents.delivered.type;
    request(endAt, 'courierEvent', delivery.outcome, { delivery: delivery.index, emits: [{ type: outcome }] });
    request(endAt + dice.uniform(10 * SECOND, 60 * SECOND), 'listCourierDeliveries', 'list');
    couriersFree[courier] = endAt + dice.uniform(30 * SECOND, 2 * MINUTE);
  }

  // 3. Recipients open their tracking link: after the booking e-mail, during the ride, after the outcome e-mail; some refresh.
  for (const delivery of deliveries) {
    const route: RouteName = dice.chance(0.15) ? 'getTracking' : 'trackingPage';
    const opens: number[] = [];
    if (dice.chance(delivery.outcome === 'cancelled' ? 0.3 : 0.7)) opens.push(delivery.bookedAt + 5 * SECOND + dice.exponential(20 * MINUTE));
    if (delivery.startAt !== undefined && delivery.endAt !== undefined) {
      if (dice.chance(0.5)) opens.push(dice.uniform(delivery.startAt, delivery.endAt));
      if (dice.chance(0.2)) opens.push(dice.uniform(delivery.startAt, delivery.endAt));
      if (dice.chance(0.25)) opens.push(delivery.endAt + 5 * SECOND + dice.exponential(30 * MINUTE));
    }
    for (const at of opens) {
      request(at, route, 'tracking', { delivery: delivery.index });
      if (dice.chance(0.3)) request(at + dice.uniform(1 * MINUTE, 5 * MINUTE), route, 'tracking', { delivery: delivery.index });
    }
    // The tenant looks at its delivery now and then.
    const until = Math.min(DAY, (delivery.endAt ?? delivery.bookedAt) + 3 * HOUR);
    for (let read = dice.count(1.2); read > 0; read -= 1) request(dice.uniform(delivery.bookedAt + MINUTE, until), 'getDelivery', 'get', { delivery: delivery.index });
  }

  // 4. Dashboards and the hub's, the tenants' and the accountant's other reads.
  for (let index = 0; index < o.deliveriesPerDay; index += 1) request(officeTime(), 'listDeliveries', 'list');
  for (let tenant = 0; tenant < o.tenants; tenant += 1) {
    for (let read = 0; read < 4; read += 1) request(officeTime(), 'listDeliveries', 'list');
    for (let read = dice.count(1); read > 0; read -= 1) request(officeTime(), dice.pick(TENANT_MISC_READS), 'get');
  }
  for (const [integration] of withIntegration) for (let read = dice.count(1); read > 0; read -= 1) request(officeTime(), integration % 2 === 0 ? 'listIntegrationOrders' : 'listIntegrations', 'list');
  for (let at = 7.5 * HOUR + dice.uniform(0, 10 * MINUTE); at < 19 * HOUR; at += dice.uniform(5 * MINUTE, 15 * MINUTE)) request(at, 'listDeliveries', 'list');
  const hubReads: ReadonlyArray<readonly [RouteName, number]> = [
    ['listCouriers', 3],
    ['getCourier', 5],
    ['getCapacity', 4],
    ['listNotifications', 4],
    ['listTenants', 2],
    ['listTenantEvents', 3],
  ];
  for (const [route, mean] of hubReads) for (let read = dice.count(mean); read > 0; read -= 1) request(inHours(7.5, 19), route, 'get');
  request(inHours(17.5, 18.5), 'putSlots', 'settings');
  for (let read = dice.count(3) + (o.dayOfMonth === 1 ? dice.count(8) : 0); read > 0; read -= 1) request(inHours(9, 17), dice.pick(ACCOUNTANT_READS), 'report');
  for (let read = dice.count(2); read > 0; read -= 1) request(officeTime(), 'openapi', 'static');
  // Scanners trying unknown paths (API Gateway's `$default`).
  for (let hit = dice.count(12); hit > 0; hit -= 1) {
    const at = dice.uniform(0, DAY);
    out.push({ at, target: { kind: 'fallback' }, work: 'unknown-route', http: true });
  }
  if (o.healthCheckEveryMinutes > 0) for (let at = 0; at < DAY; at += o.healthCheckEveryMinutes * MINUTE) request(at, 'health', 'static');

  // 5. Stripe: customers paying their invoice now and then (each `invoice.paid`).
  const stripeTenants = Array.from({ length: o.tenants }, (_, tenant) => tenant).filter(onStripe);
  for (let paid = dice.count(stripeTenants.length * 0.1); paid > 0; paid -= 1) {
    request(inHours(6, 23), 'stripeWebhook', 'stripe-webhook', { emits: [{ type: billingEvents.invoicePaid.type, provider: 'stripe' }] });
  }

  // 6. The schedules, at their real rate; the monthly billing run issues one invoice per tenant, one every 2 s.
  for (const schedule of schedules) {
    for (const at of scheduleFireTimes(schedule, o.dayOfMonth)) {
      const emits = schedule.needs?.includes('stripeSecrets')
        ? Array.from({ length: o.tenants }, (_, tenant) => ({ type: billingEvents.invoiceIssued.type, provider: onStripe(tenant) ? 'stripe' : 'none', after: (tenant + 1) * 2 * SECOND }))
        : undefined;
      out.push({ at, target: { kind: 'schedule', schedule: schedule.name }, work: schedule.name, http: false, ...(emits ? { emits } : {}) });
    }
  }

  // 7. What the writes set off: the relay per stream batch, then each rule's consumer per matching event.
  const records = out
    .flatMap((invocation) => (invocation.emits ?? []).map((event) => ({ event, at: invocation.at + (event.after ?? WRITE_COMMITS_AFTER_MS) })))
    .map((record) => ({ ...record, polled: record.at + dice.uniform(STREAM_DELAY_MS[0], STREAM_DELAY_MS[1]) }))
    .sort((a, b) => a.polled - b.polled);
  const background: Invocation[] = [];
  for (let first = 0; first < records.length; ) {
    let last = first;
    while (last + 1 < records.length && last + 1 - first < outboxRelay.batchSize && (records[last + 1]!.polled - records[first]!.polled) <= RELAY_BATCH_WINDOW_MS) last += 1;
    const batch = records.slice(first, last + 1);
    const relayAt = batch.at(-1)!.polled;
    if (relayAt < DAY) {
      background.push({ at: relayAt, target: { kind: 'relay' }, work: outboxRelay.name, http: false });
      for (const { event } of batch) {
        for (const rule of rulesMatching(event)) {
          const at = relayAt + dice.uniform(BUS_DELAY_MS[0], BUS_DELAY_MS[1]);
          background.push({ at, target: { kind: 'consumer', rule: rule.name }, work: rule.name, http: false });
          // Stripe answers a pushed invoice with its own webhook calls (finalized, sent).
          if (rule.target.needs?.includes('stripeSecrets') && event.type === billingEvents.invoiceIssued.type) {
            for (let call = 0; call < 2; call += 1) request(at + dice.uniform(2 * SECOND, 30 * SECOND), 'stripeWebhook', 'stripe-webhook');
          }
        }
      }
    }
    first = last + 1;
  }
  const invocations = [...out, ...background].filter((invocation) => invocation.at >= 0 && invocation.at < DAY);
  return { options: o, invocations: sortByTime(invocations), deliveries };
}

const matching = new Map<string, ReturnType<typeof rulesOf>>();
const rulesOf = (event: Emitted) =>
  eventRules.filter((rule) =>
    matchesEventPattern(rule.pattern, {
      version: '0',
      id: 'day-model',
      'detail-type': event.type,
      source: EVENT_SOURCE,
      account: '123456789012',
      time: '2026-01-01T00:00:00Z',
      region: 'eu-west-3',
      resources: [],
      detail: { id: 'evt', tenantId: 'tenant', occurredAt: '2026-01-01T00:00:00Z', version: 1, data: event.provider ? { provider: event.provider } : {} },
    }),
  );
/** The event rules (`shared/app/rules.ts`) whose pattern matches an event, as EventBridge matches them. */
export function rulesMatching(event: Emitted): ReturnType<typeof rulesOf> {
  const key = `${event.type}|${event.provider ?? ''}`;
  let rules = matching.get(key);
  if (!rules) matching.set(key, (rules = rulesOf(event)));
  return rules;
}

/** Stable sort by time (a sorted list is returned as is). */
export function sortByTime(invocations: readonly Invocation[]): Invocation[] {
  if (invocations.every((invocation, index) => index === 0 || invocation.at >= (invocations[index - 1] as Invocation).at)) return [...invocations];
  return invocations
    .map((invocation, index) => ({ invocation, index }))
    .sort((a, b) => a.invocation.at - b.invocation.at || a.index - b.index)
    .map(({ invocation }) => invocation);
}

/**
 * The day, preceded by the day before (another seed, at negative times): replayed together with
 * `countFrom: 0`, the instances at midnight are those the evening left, not none.
 */
export function dayWithEve(options: DayOptions = {}): { day: Day; invocations: Invocation[] } {
  const day = generateDay(options);
  const o = day.options;
  const eve = generateDay({ ...o, seed: (o.seed ^ 0x5bd1e995) >>> 0, dayOfMonth: o.dayOfMonth === 1 ? 28 : o.dayOfMonth - 1 });
  return { day, invocations: [...eve.invocations.map((invocation) => ({ ...invocation, at: invocation.at - DAY })), ...day.invocations] };
}

/** The function each target runs in, for one layout: from the stack's own entries (`lambdaEntries(layout)`). */
export function functionResolver(entries: readonly LambdaEntry[]): (target: Target) => string {
  const byRoute = new Map<string, string>();
  const byTarget = new Map<string, string>();
  let fallback: string | undefined;
  for (const entry of entries) {
    switch (entry.kind) {
      case 'http':
        for (const { name } of entry.routes ?? []) byRoute.set(name, entry.name);
        if (entry.group === FALLBACK_GROUP) fallback = entry.name;
        break;
      case 'route':
        if (entry.routeName) byRoute.set(entry.routeName, entry.name);
        break;
      case 'fallback':
        fallback = entry.name;
        break;
      case 'consumer':
        for (const rule of eventRules.filter((candidate) => candidate.target.handler === entry.entry)) byTarget.set(`consumer:${rule.name}`, entry.name);
        break;
      case 'schedule':
        for (const schedule of schedules.filter((candidate) => candidate.handler === entry.entry)) byTarget.set(`schedule:${schedule.name}`, entry.name);
        break;
      case 'relay':
        byTarget.set('relay', entry.name);
        break;
    }
  }
  for (const name of Object.keys(routes)) if (!byRoute.has(name)) throw new Error(`No function serves the route ${name}`);
  return (target) => {
    const name =
      target.kind === 'http'
        ? byRoute.get(target.route)
        : target.kind === 'fallback'
          ? fallback
          : target.kind === 'relay'
            ? byTarget.get('relay')
            : target.kind === 'consumer'
              ? byTarget.get(`consumer:${target.rule}`)
              : byTarget.get(`schedule:${target.schedule}`);
    if (!name) throw new Error(`No function for ${JSON.stringify(target)}`);
    return name;
  };
}

export interface ReplayParams {
  /** An instance lives this long after its last invocation ended. */
  idleMinutes: number;
  functionOf(target: Target): string;
  /** The cold start of a function (added to the first invocation of each instance). */
  coldStartMs(functionName: string): number;
  /** The warm duration of one invocation (`random` is the replay's own seeded PRNG). */
  durationMs(invocation: Invocation, random: () => number): number;
  /** Added to what an HTTP request's caller sees (API Gateway). Default 0. */
  gatewayMs?: number;
  /** Invocations before this time are replayed (they leave instances) but not counted. Default: all counted. */
  countFrom?: number;
  /** Seed of the durations' PRNG. Default 1. */
  seed?: number;
}

/** Nearest-rank percentiles of a list, in any order (`bench/stats.ts`). */
export type LatencySummary = Summary;
export const latencySummary = summarize;

export interface FunctionTally {
  invocations: number;
  httpRequests: number;
  cold: number;
  coldHttp: number;
  /** Instances started (each starts with a cold invocation: equals `cold`). */
  instancesStarted: number;
  /** Most instances alive at once. */
  peakInstances: number;
}

export interface ReplayResult {
  idleMinutes: number;
  http: { requests: number; cold: number; share: number };
  all: { invocations: number; cold: number; share: number };
  /** What callers of HTTP requests wait: gateway + cold start when cold + the warm duration. */
  latency: LatencySummary;
  /** The same, of the cold requests only. */
  coldLatency: LatencySummary;
  /** Every HTTP request's latency, in replay order (to pool several days). */
  latencies: number[];
  functions: Map<string, FunctionTally>;
  instancesStarted: number;
  /** Functions invoked at least once in the counted period. */
  functionsInvoked: number;
}

interface Instance {
  busyUntil: number;
  lastEnd: number;
}

/** Replays invocations (any order: sorted here) through pools of instances, one pool per function. */
export function replay(invocations: readonly Invocation[], params: ReplayParams): ReplayResult {
  const idleMs = params.idleMinutes * MINUTE;
  const gatewayMs = params.gatewayMs ?? 0;
  const countFrom = params.countFrom ?? Number.NEGATIVE_INFINITY;
  const random = mulberry32(params.seed ?? 1);
  const pools = new Map<string, Instance[]>();
  const functions = new Map<string, FunctionTally>();
  const latencies: number[] = [];
  const coldLatencies: number[] = [];
  const http = { requests: 0, cold: 0, share: 0 };
  const all = { invocations: 0, cold: 0, share: 0 };
  for (const invocation of sortByTime(invocations)) {
    const name = params.functionOf(invocation.target);
    const duration = params.durationMs(invocation, random);
    const t = invocation.at;
    let pool = pools.get(name);
    if (!pool) pools.set(name, (pool = []));
    // Instances idle longer than the lifetime are gone.
    if (pool.some((instance) => instance.busyUntil <= t && t - instance.lastEnd > idleMs)) {
      pool = pool.filter((instance) => instance.busyUntil > t || t - instance.lastEnd <= idleMs);
      pools.set(name, pool);
    }
    let chosen: Instance | undefined;
    for (const instance of pool) if (instance.busyUntil <= t && (!chosen || instance.lastEnd > chosen.lastEnd)) chosen = instance;
    const cold = chosen === undefined;
    const latency = (cold ? params.coldStartMs(name) : 0) + duration;
    if (!chosen) {
      chosen = { busyUntil: t, lastEnd: t };
      pool.push(chosen);
    }
    chosen.busyUntil = t + latency;
    chosen.lastEnd = t + latency;
    if (t < countFrom) continue;
    const tally = functions.get(name) ?? { invocations: 0, httpRequests: 0, cold: 0, coldHttp: 0, instancesStarted: 0, peakInstances: 0 };
    functions.set(name, tally);
    tally.invocations += 1;
    tally.peakInstances = Math.max(tally.peakInstances, pool.length);
    all.invocations += 1;
    if (cold) {
      tally.cold += 1;
      tally.instancesStarted += 1;
      all.cold += 1;
    }
    if (invocation.http) {
      tally.httpRequests += 1;
      http.requests += 1;
      const seen = gatewayMs + latency;
      latencies.push(seen);
      if (cold) {
        tally.coldHttp += 1;
        http.cold += 1;
        coldLatencies.push(seen);
      }
    }
  }
  http.share = http.requests === 0 ? 0 : http.cold / http.requests;
  all.share = all.invocations === 0 ? 0 : all.cold / all.invocations;
  return {
    idleMinutes: params.idleMinutes,
    http,
    all,
    latency: latencySummary(latencies),
    coldLatency: latencySummary(coldLatencies),
    latencies,
    functions,
    instancesStarted: all.cold,
    functionsInvoked: functions.size,
  };
}
