import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../shared/deliveries/schemas.js';
import { AppError } from '../../shared/errors.js';
import { addDeliveryFigures, kgCo2e, noDeliveries, pathMetres, ridePath, riddenStops, shareByTenant, visitedStop, type DeliveryFigures } from '../../shared/impact/calculate.js';
import { impactCsv } from '../../shared/impact/csv.js';
import { VAN_FACTOR } from '../../shared/impact/factor.js';
import type { ImpactReport } from '../../shared/impact/schemas.js';
import { impactPeriod } from '../../shared/impact/service.js';
import { deliveryThrough, sampleDelivery } from '../fixtures/delivery.js';

const at = (iso: string) => iso;

describe('the stops ridden to', () => {
  it('counts a pickup done or failed on the spot, a drop-off delivered, returned to the sender or failed at the door', () => {
    const booked = sampleDelivery();
    const assigned = deliveryThrough([['assigned', at('2026-11-26T09:00:00Z')]]);
    const pickedUp = deliveryThrough([['assigned', '2026-11-26T09:00:00Z'], ['picked_up', '2026-11-26T09:30:00Z']]);
    const delivered = deliveryThrough([['assigned', '2026-11-26T09:00:00Z'], ['picked_up', '2026-11-26T09:30:00Z'], ['delivered', '2026-11-26T10:00:00Z']]);
    const failedAtDoor = deliveryThrough([['assigned', '2026-11-26T09:00:00Z'], ['picked_up', '2026-11-26T09:30:00Z'], ['failed', '2026-11-26T10:00:00Z']]);
    const failedAtPickup = deliveryThrough([['assigned', '2026-11-26T09:00:00Z'], ['failed', '2026-11-26T09:30:00Z']]);
    const table = [booked, assigned, pickedUp, delivered, failedAtDoor, failedAtPickup].map((delivery) => [visitedStop(delivery, 'pickup'), visitedStop(delivery, 'dropoff')]);
    expect(table).toEqual([
      [false, false],
      [false, false],
      [true, false],
      [true, true],
      [true, true],
      [true, false],
    ]);
  });

  it('keeps the round’s order and the stops’ coordinates', () => {
    const a = deliveryThrough([['assigned', '2026-11-26T09:00:00Z'], ['picked_up', '2026-11-26T09:30:00Z'], ['delivered', '2026-11-26T10:00:00Z']], { id: 'dlv_A' });
    const b = deliveryThrough([['assigned', '2026-11-26T09:00:00Z']], { id: 'dlv_B' });
    const stops = riddenStops([
      { delivery: a, type: 'pickup' },
      { delivery: b, type: 'pickup' },
      { delivery: a, type: 'dropoff' },
      { delivery: b, type: 'dropoff' },
    ]);
    expect(stops.map((stop) => `${stop.deliveryId}:${stop.type}`)).toEqual(['dlv_A:pickup', 'dlv_A:dropoff']);
    const path = ridePath({ lat: 1, lng: 1 }, stops, { lat: 2, lng: 2 });
    expect(path).toEqual([{ lat: 1, lng: 1 }, { lat: a.pickup.address.lat, lng: a.pickup.address.lng }, { lat: a.dropoff.address.lat, lng: a.dropoff.address.lng }, { lat: 2, lng: 2 }]);
  });

  it('measures a path along its consecutive legs, not every pair', () => {
    // 3 places: 0→1 = 100, 1→2 = 250; 0→2 (not ridden) = 999.
    expect(pathMetres([0, 100, 999, 100, 0, 250, 999, 250, 0], 3)).toBe(350);
    expect(pathMetres([0], 1)).toBe(0);
  });
});

describe('each tenant’s share of a round', () => {
  it('adds up to the round exactly, each share within a metre of its stops’ part', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500_000 }), fc.array(fc.constantFrom('ten_A', 'ten_B', 'ten_C', 'ten_D'), { minLength: 1, maxLength: 40 }), (metres, tenants) => {
        const shares = shareByTenant(metres, tenants.map((tenantId) => ({ tenantId })));
        expect(shares.reduce((sum, share) => sum + share.metres, 0)).toBe(metres);
        expect(shares.reduce((sum, share) => sum + share.stops, 0)).toBe(tenants.length);
        for (const share of shares) {
          expect(share.metres).toBeGreaterThanOrEqual(0);
          expect(Math.abs(share.metres - (metres * share.stops) / tenants.length)).toBeLessThan(1);
        }
      }),
    );
  });

  it('gives everything to the only tenant, nothing to nobody', () => {
    expect(shareByTenant(1234, [{ tenantId: 'ten_A' }, { tenantId: 'ten_A' }])).toEqual([{ tenantId: 'ten_A', stops: 2, metres: 1234 }]);
    expect(shareByTenant(1234, [])).toEqual([]);
  });
});

describe('deliveries of a period', () => {
  const months = () => new Map<string, DeliveryFigures>([['2026-03', noDeliveries()], ['2026-04', noDeliveries()]]);

  it('counts a delivery in the Paris month it was delivered, with its parcels and kilograms', () => {
    const byMonth = months();
    // 00:30 on April 1st in Paris, still March 31st in UTC.
    addDeliveryFigures(byMonth, deliveryThrough([['assigned', '2026-03-31T20:00:00Z'], ['picked_up', '2026-03-31T21:00:00Z'], ['delivered', '2026-03-31T22:30:00Z']], { parcels: [{ weightKg: 2 }, { weightKg: 3.5 }] }));
    expect(byMonth.get('2026-03')).toEqual(noDeliveries());
    expect(byMonth.get('2026-04')).toEqual({ deliveries: 1, failedAttempts: 0, parcels: 2, weightKg: 5.5 });
  });

  it('counts failed attempts, and leaves a first leg out of the deliveries', () => {
    const byMonth = months();
    addDeliveryFigures(byMonth, deliveryThrough([['assigned', '2026-03-10T08:00:00Z'], ['failed', '2026-03-10T09:00:00Z']]));
    addDeliveryFigures(byMonth, { ...deliveryThrough([['assigned', '2026-03-10T08:00:00Z'], ['picked_up', '2026-03-10T08:30:00Z'], ['delivered', '2026-03-10T09:00:00Z']]), leg: { of: 'dlv_X' } } as Delivery);
    expect(byMonth.get('2026-03')).toEqual({ deliveries: 0, failedAttempts: 1, parcels: 0, weightKg: 0 });
  });

  it('turns metres into kilograms of CO2e at the factor, to the gram', () => {
    expect(kgCo2e(10_000, VAN_FACTOR.kgCo2ePerKm)).toBe(2.69);
    expect(kgCo2e(1, 0.269)).toBe(0);
  });
});

describe('the period asked for', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  const refused = (query: { month?: string; year?: string }) => {
    try {
      impactPeriod(query, now);
    } catch (error) {
      return error instanceof AppError ? [error.code, error.param] : ['not an AppError'];
    }
    return ['accepted'];
  };

  it('takes a month or a year, not both, not neither, not the future', () => {
    expect(refused({})).toEqual(['parameter_missing', 'month']);
    expect(refused({ month: '2026-11', year: '2026' })).toEqual(['parameter_invalid', 'year']);
    expect(refused({ month: '2027-01' })).toEqual(['parameter_invalid', 'month']);
    expect(refused({ year: '2027' })).toEqual(['parameter_invalid', 'year']);
    expect(refused({ year: '1999' })).toEqual(['parameter_invalid', 'year']);
    expect(impactPeriod({ month: '2026-02' }, now)).toEqual({ month: '2026-02', year: null, months: ['2026-02'], from: '2026-02-01', to: '2026-02-28' });
    const year = impactPeriod({ year: '2026' }, now);
    expect(year.months).toHaveLength(12);
    expect([year.from, year.to]).toEqual(['2026-01-01', '2026-12-31']);
    expect(impactPeriod({ year: '2025' }, now).months.at(-1)).toBe('2025-12');
    expect(impactPeriod({ month: '2024-02' }, now).to).toBe('2024-02-29');
  });

  it('stops a year at the current month', () => {
    expect(impactPeriod({ year: '2026' }, new Date('2026-03-15T12:00:00Z')).months).toEqual(['2026-01', '2026-02', '2026-03']);
  });
});

describe('the CSV', () => {
  const figures = (metres: number, deliveries: number) => ({ deliveries, failedAttempts: 1, parcels: deliveries * 2, weightKg: deliveries * 1.5, stops: deliveries * 2, metres, km: metres / 1000, kgCo2eAvoided: kgCo2e(metres, VAN_FACTOR.kgCo2ePerKm) });
  const report: ImpactReport = {
    object: 'impact_report',
    scope: 'hub',
    tenantId: null,
    period: { month: null, year: '2026', from: '2026-01-01', to: '2026-12-31', complete: false },
    method: { distances: 'great_circle', detourFactor: 1.3, description: 'straight lines × 1.3', allocation: 'equal per stop' },
    factor: { ...VAN_FACTOR },
    totals: figures(12_345, 3),
    months: [
      { month: '2026-01', ...figures(2_345, 1) },
      { month: '2026-02', ...figures(10_000, 2) },
    ],
    tenants: [],
    rounds: [{ date: '2026-01-05', courierId: 'cou_1', stops: 2, metres: 2345, km: 2.345, kgCo2eAvoided: 0.631, distances: 'great_circle', tenants: [{ tenantId: 'ten_A', stops: 2, metres: 2345 }] }],
    generatedAt: '2026-12-06T12:00:00.000Z',
  };
  const read = (text: string) => parse(text, { delimiter: ';', columns: true, bom: true, comment: '#' }) as Array<Record<string, string>>;
  const number = (text: string | undefined) => Number((text ?? '').replace(',', '.'));

  it('has a row per month and the totals, matching the JSON, and cites the factor', () => {
    const { body } = impactCsv(report, undefined);
    const rows = read(body);
    expect(rows.map((row) => row.mois)).toEqual(['2026-01', '2026-02', 'total']);
    expect(rows.map((row) => number(row.km))).toEqual([2.345, 10, 12.345]);
    expect(rows.map((row) => number(row.kgCO2e_evites))).toEqual([0.631, 2.69, 3.321]);
    expect(rows.map((row) => Number(row.livraisons))).toEqual([1, 2, 3]);
    expect(body).toContain('0,269 kgCO2e/km');
    expect(body).toContain('Base Carbone');
  });

  it('has a row per round for the hub, and none for a tenant', () => {
    expect(read(impactCsv(report, 'rounds').body)).toEqual([{ date: '2026-01-05', coursier: 'cou_1', arrets: '2', km: '2,345', kgCO2e_evites: '0,631', distances: 'great_circle', locataires: 'ten_A:2:2345' }]);
    expect(() => impactCsv({ ...report, scope: 'tenant', tenantId: 'ten_A', rounds: null }, 'rounds')).toThrow(AppError);
  });
});
