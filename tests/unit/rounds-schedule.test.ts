import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderStops } from '../../shared/rounds/service.js';
import { planSchedule, SERVICE_SECONDS, type ScheduleStop } from '../../shared/rounds/schedule.js';
import { sampleDelivery } from '../fixtures/delivery.js';

const NOW = Date.parse('2026-12-07T08:00:00Z');
const stopArb = fc.record({
  type: fc.constantFrom<'pickup' | 'dropoff'>('pickup', 'dropoff'),
  lat: fc.double({ min: 45.38, max: 45.48, noNaN: true }),
  lng: fc.double({ min: 4.28, max: 4.52, noNaN: true }),
  kg: fc.double({ min: 0.1, max: 30, noNaN: true }),
  litres: fc.double({ min: 0, max: 80, noNaN: true }),
  window: fc.option(fc.record({ startMin: fc.integer({ min: 0, max: 300 }), lengthMin: fc.integer({ min: 15, max: 180 }) }), { nil: undefined }),
});

describe('the timing and load of a round', () => {
  it('never arrives before leaving, waits for windows, serves each stop, and reports the first stop over capacity', () => {
    fc.assert(
      fc.property(fc.array(stopArb, { minLength: 1, maxLength: 25 }), fc.integer({ min: 5, max: 200 }), (raw, capacityKg) => {
        const stops: ScheduleStop[] = raw.map((stop) => ({
          type: stop.type,
          at: { lat: stop.lat, lng: stop.lng },
          load: { kg: stop.kg, litres: stop.litres },
          window: stop.window ? { start: NOW + stop.window.startMin * 60_000, end: NOW + (stop.window.startMin + stop.window.lengthMin) * 60_000 } : undefined,
        }));
        const schedule = planSchedule({ now: NOW, from: { lat: 45.4375, lng: 4.3861 }, notBefore: NOW, breaks: [{ start: NOW + 3600_000, end: NOW + 5400_000 }], capacity: { kg: capacityKg, litres: 10_000 }, stops });
        let previousDeparture = NOW;
        let load = 0;
        let firstOver: number | undefined;
        schedule.stops.forEach((planned, index) => {
          const stop = stops[index] as ScheduleStop;
          expect(planned.arrival).toBeGreaterThanOrEqual(previousDeparture);
          const serviceStart = Math.max(planned.arrival, stop.window?.start ?? -Infinity);
          expect(planned.departure).toBe(serviceStart + SERVICE_SECONDS[stop.type] * 1000);
          expect(planned.late).toBe(stop.window !== undefined && planned.arrival > stop.window.end);
          load = Math.max(0, load + (stop.type === 'pickup' ? 1 : -1) * stop.load.kg);
          expect(planned.loadAfter.kg).toBeCloseTo(load, 2);
          if (firstOver === undefined && planned.loadAfter.kg > capacityKg) firstOver = index;
          previousDeparture = planned.departure;
        });
        expect(schedule.overCapacityAt).toBe(firstOver);
        expect(schedule.maxLoad.kg).toBeCloseTo(Math.max(0, ...schedule.stops.map((stop) => stop.loadAfter.kg)), 6);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the times of stops already done', () => {
    const doneAt = NOW - 600_000;
    const schedule = planSchedule({
      now: NOW,
      from: { lat: 45.44, lng: 4.39 },
      notBefore: NOW - 3600_000,
      breaks: [],
      capacity: { kg: 100, litres: 300 },
      stops: [
        { type: 'pickup', at: { lat: 45.44, lng: 4.39 }, load: { kg: 5, litres: 0 }, doneAt },
        { type: 'dropoff', at: { lat: 45.45, lng: 4.4 }, load: { kg: 5, litres: 0 } },
      ],
    });
    expect(schedule.stops[0]).toMatchObject({ departure: doneAt, loadAfter: { kg: 5, litres: 0 } });
    expect(schedule.stops[1]?.arrival).toBeGreaterThan(NOW);
  });
});

describe('the order of a round', () => {
  it('keeps every stop of every delivery exactly once, a drop-off never before its pickup, whatever order was stored', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.record({ index: fc.nat(10), type: fc.constantFrom<'pickup' | 'dropoff'>('pickup', 'dropoff') }), { maxLength: 30 }), (count, stored) => {
        const deliveries = Array.from({ length: count }, (_, index) => sampleDelivery({ id: `dlv_${String(index).padStart(26, '0')}`, courierId: 'cou_x', status: 'assigned' }));
        const order = orderStops(
          stored.map((stop) => ({ deliveryId: `dlv_${String(stop.index).padStart(26, '0')}`, type: stop.type })),
          deliveries,
        );
        expect(order).toHaveLength(count * 2);
        const keys = order.map((stop) => `${stop.delivery.id}:${stop.type}`);
        expect(new Set(keys).size).toBe(keys.length);
        for (const delivery of deliveries) expect(keys.indexOf(`${delivery.id}:pickup`)).toBeLessThan(keys.indexOf(`${delivery.id}:dropoff`));
      }),
      { numRuns: 300 },
    );
  });
});
