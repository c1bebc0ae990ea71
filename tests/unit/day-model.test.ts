import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lambdaEntries } from '../../infra/bundling.js';
import { auditTrail } from '../../shared/app/rules.js';
import { schedules } from '../../shared/app/schedules.js';
import { deliveryEvents } from '../../shared/deliveries/events.js';
import {
  DAY,
  HOUR,
  MINUTE,
  SECOND,
  dayWithEve,
  functionResolver,
  generateDay,
  latencySummary,
  mulberry32,
  replay,
  scheduleFireTimes,
  type Invocation,
  type ReplayParams,
} from '../../bench/day-model.js';

/** One function, invoked at the given times (ms), each taking `durationMs`. */
function oneFunction(times: readonly number[], idleMinutes: number, durationMs = 10, coldStartMs = 200) {
  const invocations: Invocation[] = times.map((at) => ({ at, target: { kind: 'relay' }, work: 'test', http: true }));
  return replay(invocations, { idleMinutes, functionOf: () => 'Fn', coldStartMs: () => coldStartMs, durationMs: () => durationMs });
}

/** Offsets from running sums of gaps. */
const cumulative = (gaps: readonly number[]) => gaps.reduce<number[]>((times, gap) => [...times, (times.at(-1) ?? 0) + gap], [0]);

describe('mulberry32', () => {
  it('is deterministic and spreads over [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 10_000 }, () => a());
    expect(draws).toEqual(Array.from({ length: 10_000 }, () => b()));
    expect(draws.every((value) => value >= 0 && value < 1)).toBe(true);
    const mean = draws.reduce((sum, value) => sum + value, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(mulberry32(43)()).not.toBe(mulberry32(42)());
  });
});

describe('generateDay', () => {
  it('gives the same day for the same seed, another for another seed', () => {
    expect(generateDay({ seed: 7, deliveriesPerDay: 120 })).toEqual(generateDay({ seed: 7, deliveriesPerDay: 120 }));
    expect(generateDay({ seed: 8, deliveriesPerDay: 120 }).invocations).not.toEqual(generateDay({ seed: 7, deliveriesPerDay: 120 }).invocations);
  });

  for (const deliveriesPerDay of [50, 200, 1000]) {
    it(`has the volume asked: ${deliveriesPerDay} deliveries booked, a position every 30 s while riding`, () => {
      for (const seed of [1, 2, 3]) {
        const day = generateDay({ seed, deliveriesPerDay });
        const { invocations, deliveries } = day;
        expect(deliveries).toHaveLength(deliveriesPerDay);
        const bookings = invocations.filter((invocation) => invocation.http && invocation.emits?.some((event) => event.type === deliveryEvents.booked.type));
        expect(bookings).toHaveLength(deliveriesPerDay);
        expect(invocations.every((invocation, index) => index === 0 || invocation.at >= (invocations[index - 1] as Invocation).at)).toBe(true);
        expect(invocations.every((invocation) => invocation.at >= 0 && invocation.at < DAY)).toBe(true);

        const positions = new Map<number, number[]>();
        const courierEvents = new Map<number, string[]>();
        for (const invocation of invocations) {
          if (invocation.target.kind !== 'http' || invocation.target.route !== 'courierEvent') {
            expect(invocation.work).not.toBe('position');
            continue;
          }
          const delivery = invocation.delivery as number;
          if (invocation.work === 'position') positions.set(delivery, [...(positions.get(delivery) ?? []), invocation.at]);
          else courierEvents.set(delivery, [...(courierEvents.get(delivery) ?? []), invocation.work]);
        }
        let ridden = 0;
        for (const delivery of deliveries) {
          const times = positions.get(delivery.index) ?? [];
          if (delivery.outcome === 'cancelled') {
            expect(times).toHaveLength(0);
            continue;
          }
          ridden += 1;
          expect(delivery.riding.length).toBeGreaterThan(0);
          let expected = 0;
          for (const { from, to } of delivery.riding) {
            const inSegment = times.filter((at) => at >= from && at <= to + SECOND);
            expected += Math.floor((to - from) / (30 * SECOND));
            expect(inSegment.length).toBe(Math.floor((to - from) / (30 * SECOND)));
            const gaps = inSegment.slice(1).map((at, index) => at - (inSegment[index] as number));
            if (gaps.length > 0) {
              expect(Math.min(...gaps)).toBeGreaterThanOrEqual(29.5 * SECOND);
              expect(Math.max(...gaps)).toBeLessThanOrEqual(30.5 * SECOND);
            }
          }
          expect(times).toHaveLength(expected);
          // Each ride has its picked_up and its outcome.
          expect(courierEvents.get(delivery.index)).toEqual(['picked_up', delivery.outcome]);
        }
        expect(ridden).toBeGreaterThan(deliveriesPerDay * 0.9);
        // Office hours: tenants book between 8:00 and 18:00 (Paris), shops' orders from 7:00.
        for (const booking of bookings) {
          expect(booking.at).toBeGreaterThanOrEqual(7 * HOUR);
          expect(booking.at).toBeLessThanOrEqual(19 * HOUR);
        }
      }
    });
  }

  it('runs the schedules at their real rate, the monthly one on the 1st only', () => {
    const count = (day: ReturnType<typeof generateDay>, name: string) => day.invocations.filter((invocation) => invocation.target.kind === 'schedule' && invocation.target.schedule === name).length;
    const first = generateDay({ dayOfMonth: 1 });
    const second = generateDay({ dayOfMonth: 2 });
    expect(count(first, 'webhook-retries')).toBe(24 * 60);
    expect(count(second, 'webhook-retries')).toBe(24 * 60);
    expect(count(first, 'monthly-billing-run')).toBe(1);
    expect(count(second, 'monthly-billing-run')).toBe(0);
    expect(first.invocations.find((invocation) => invocation.work === 'monthly-billing-run')?.at).toBe(2 * HOUR);
    expect(scheduleFireTimes({ expression: 'rate(5 minutes)' }, 3)).toHaveLength(288);
    for (const schedule of schedules) expect(() => scheduleFireTimes(schedule, 1)).not.toThrow();
  });

  it('invokes the relay per stream batch and each consumer per matching event', () => {
    const day = generateDay({ seed: 4 });
    const emitted = day.invocations.flatMap((invocation) => (invocation.emits ?? []).map((event) => ({ ...event, at: invocation.at + (event.after ?? 0) })));
    const publicEvents = emitted.filter((event) => event.at < DAY - 5 * SECOND && event.type !== 'invoice.push_requested');
    const audit = day.invocations.filter((invocation) => invocation.target.kind === 'consumer' && invocation.target.rule === auditTrail.name);
    expect(audit).toHaveLength(publicEvents.length);
    const relays = day.invocations.filter((invocation) => invocation.target.kind === 'relay').length;
    expect(relays).toBeGreaterThan(0);
    expect(relays).toBeLessThanOrEqual(emitted.length);
    expect(relays).toBeGreaterThanOrEqual(Math.ceil(emitted.length / 10));
    const notify = day.invocations.filter((invocation) => invocation.target.kind === 'consumer' && invocation.target.rule === 'notify-recipient').length;
    const booked = emitted.filter((event) => ['delivery.booked', 'delivery.delivered', 'delivery.failed'].includes(event.type)).length;
    expect(notify).toBe(booked);
    // Consumers run after the write that caused them, never before the first write.
    const firstWrite = Math.min(...emitted.map((event) => event.at));
    expect(audit.every((invocation) => invocation.at > firstWrite)).toBe(true);
  });
});

describe('replay (the instance model)', () => {
  it('keeps an instance warm when a request comes every < N minutes: one cold start, ever', () => {
    fc.assert(
      fc.property(fc.constantFrom(5, 15), fc.array(fc.double({ min: 0.02, max: 0.99, noNaN: true }), { minLength: 1, maxLength: 200 }), (idleMinutes, fractions) => {
        // Gaps from the previous invocation's END shorter than N minutes.
        const times = cumulative(fractions.map((fraction) => 200 + fraction * idleMinutes * MINUTE));
        const result = oneFunction(times, idleMinutes, 10, 200);
        expect(result.all.cold).toBe(1);
        expect(result.functions.get('Fn')?.peakInstances).toBe(1);
      }),
    );
  });

  it('always starts cold after a gap longer than N minutes', () => {
    fc.assert(
      fc.property(fc.constantFrom(5, 15), fc.array(fc.double({ min: 1.001, max: 20, noNaN: true }), { minLength: 1, maxLength: 50 }), (idleMinutes, factors) => {
        const times = cumulative(factors.map((factor) => 200 + factor * idleMinutes * MINUTE));
        const result = oneFunction(times, idleMinutes, 10, 200);
        expect(result.all.cold).toBe(times.length);
        expect(result.http.share).toBe(1);
      }),
    );
  });

  it('needs two instances for two overlapping requests to one function', () => {
    const result = oneFunction([0, 50, 10 * SECOND], 5, 100, 200);
    // The second arrives while the first instance is busy (cold start + duration): a second instance.
    expect(result.all.cold).toBe(2);
    expect(result.functions.get('Fn')).toMatchObject({ cold: 2, instancesStarted: 2, peakInstances: 2 });
    // A user of a cold request waits for the cold start plus the invocation; a warm one for the invocation.
    expect(result.latencies).toEqual([300, 300, 100]);
  });

  it('reuses the most recently used instance, so an instance kept aside expires', () => {
    // Two instances at 0 (overlap), then one request a minute: the most recent instance serves them all,
    // the other expires after 5 minutes; an overlap at 10 minutes needs a new instance.
    const times = [0, 10, ...Array.from({ length: 10 }, (_, index) => (index + 1) * MINUTE), 10 * MINUTE + 5];
    const result = oneFunction(times, 5, 50, 100);
    expect(result.all.cold).toBe(3);
  });

  it('counts the gateway, and only the counted period', () => {
    const invocations: Invocation[] = [
      { at: -10 * MINUTE, target: { kind: 'relay' }, work: 'x', http: true },
      { at: -3 * MINUTE, target: { kind: 'relay' }, work: 'x', http: true },
      { at: 0, target: { kind: 'relay' }, work: 'x', http: true },
      { at: 1 * MINUTE, target: { kind: 'consumer', rule: 'audit-trail' }, work: 'x', http: false },
    ];
    const result = replay(invocations, { idleMinutes: 5, functionOf: () => 'Fn', coldStartMs: () => 100, durationMs: () => 20, gatewayMs: 10, countFrom: 0 });
    expect(result.http).toEqual({ requests: 1, cold: 0, share: 0 });
    expect(result.all).toEqual({ invocations: 2, cold: 0, share: 0 });
    expect(result.latencies).toEqual([30]);
  });

  it('never gives more cold starts with the routes grouped than with one function per route, on the same day', () => {
    const grouped = functionResolver(lambdaEntries('grouped'));
    const perRoute = functionResolver(lambdaEntries('per-route'));
    for (const deliveriesPerDay of [50, 200, 1000]) {
      for (const seed of [1, 2, 3]) {
        const { invocations } = dayWithEve({ seed, deliveriesPerDay });
        for (const idleMinutes of [5, 15]) {
          const params = (functionOf: ReplayParams['functionOf']): ReplayParams => ({
            idleMinutes,
            functionOf,
            coldStartMs: () => 250,
            durationMs: (invocation, random) => (invocation.http ? 20 + 30 * random() : 60),
            countFrom: 0,
          });
          const few = replay(invocations, params(grouped));
          const many = replay(invocations, params(perRoute));
          expect(few.http.requests).toBe(many.http.requests);
          expect(few.all.cold, `${deliveriesPerDay}/day, seed ${seed}, N = ${idleMinutes}`).toBeLessThanOrEqual(many.all.cold);
          expect(few.http.cold).toBeLessThanOrEqual(many.http.cold);
          expect(few.functionsInvoked).toBeLessThan(many.functionsInvoked);
        }
      }
    }
  });
});

describe('functionResolver', () => {
  it('maps every route to its layout\'s function, from the stack\'s entries', () => {
    const grouped = functionResolver(lambdaEntries('grouped'));
    const perRoute = functionResolver(lambdaEntries('per-route'));
    expect(grouped({ kind: 'http', route: 'courierEvent' })).toBe(grouped({ kind: 'http', route: 'getDelivery' }));
    expect(perRoute({ kind: 'http', route: 'courierEvent' })).not.toBe(perRoute({ kind: 'http', route: 'getDelivery' }));
    expect(grouped({ kind: 'fallback' })).toBe(grouped({ kind: 'http', route: 'health' }));
    expect(perRoute({ kind: 'fallback' })).toBe('FallbackFn');
    expect(grouped({ kind: 'consumer', rule: 'audit-trail' })).toBe(perRoute({ kind: 'consumer', rule: 'audit-trail' }));
    expect(grouped({ kind: 'schedule', schedule: 'webhook-retries' })).toBe('WebhookRetriesScheduledFn');
    expect(grouped({ kind: 'relay' })).toBe('OutboxRelayFn');
    expect(() => grouped({ kind: 'consumer', rule: 'no-such-rule' })).toThrow();
  });
});

describe('latencySummary', () => {
  it('computes nearest-rank percentiles on a known list, in any order', () => {
    const hundred = Array.from({ length: 100 }, (_, index) => index + 1);
    const shuffled = [...hundred].sort((a, b) => ((a * 37) % 101) - ((b * 37) % 101));
    expect(latencySummary(shuffled)).toEqual({ n: 100, min: 1, p50: 50, p90: 90, p95: 95, p99: 99, mean: 50.5, max: 100 });
    expect(latencySummary([10, 1, 9, 2, 8, 3, 7, 4, 6, 5])).toMatchObject({ p50: 5, p95: 10, p99: 10 });
    // 1,000 values, 15 of them slow: p99 sees them, p95 does not.
    const mostlyFast = [...Array.from({ length: 985 }, () => 40), ...Array.from({ length: 15 }, () => 300)];
    expect(latencySummary(mostlyFast)).toMatchObject({ p50: 40, p95: 40, p99: 300 });
    expect(latencySummary([7])).toMatchObject({ p50: 7, p95: 7, p99: 7 });
    expect(latencySummary([]).n).toBe(0);
  });
});
