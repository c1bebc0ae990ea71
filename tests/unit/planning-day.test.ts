import { describe, expect, it } from 'vitest';
import { dayProblem } from '../../shared/planning/day-problem.js';
import { movedStops } from '../../shared/planning/plans-service.js';
import type { Shift, StoredCourier } from '../../shared/couriers/schemas.js';
import { sampleDelivery } from '../fixtures/delivery.js';

const date = '2026-12-07';
const dayStart = Date.parse('2026-12-06T23:00:00Z');
const place = { label: 'Hub', line1: '10 rue Balay', postcode: '42000', city: 'Saint-Étienne', lat: 45.4375, lng: 4.3861 };
const shift = (courierId: string): Shift => ({
  object: 'shift', courierId, date, start: '08:00', end: '16:00',
  startsAt: '2026-12-07T07:00:00.000Z', endsAt: '2026-12-07T15:00:00.000Z',
  breaks: [{ start: '12:00', end: '12:30', startsAt: '2026-12-07T11:00:00.000Z', endsAt: '2026-12-07T11:30:00.000Z' }],
  startPlace: place, endPlace: place, updatedAt: '2026-12-06T10:00:00.000Z',
});
const courier = (id: string, kg: number): StoredCourier => ({ id, object: 'courier', name: id, email: null, userId: null, vehicle: { type: 'cargo_bike', capacityKg: kg, capacityLitres: 300 }, createdAt: '2026-12-01T00:00:00.000Z' });

describe('a day of the hub as a planning problem', () => {
  it('makes each shift a vehicle with its times, breaks, capacity and reloads at the depot, and each open delivery a job', () => {
    const booked = sampleDelivery({ id: 'dlv_A', status: 'booked', parcels: [{ weightKg: 4, lengthCm: 10, widthCm: 10, heightCm: 10 }], pickup: { ...sampleDelivery().pickup, window: { start: '2026-12-07T08:00:00.000Z', end: '2026-12-07T09:00:00.000Z' } } });
    const onBike = sampleDelivery({ id: 'dlv_B', status: 'picked_up', courierId: 'cou_1' });
    const day = dayProblem({ date, dayStart, now: Date.parse('2026-12-07T09:30:00Z'), depot: place, couriers: [{ courier: courier('cou_1', 50), shift: shift('cou_1'), startedAt: { lat: 45.44, lng: 4.39 } }, { courier: courier('cou_2', 80), shift: shift('cou_2') }], deliveries: [booked, onBike] });
    const [started, fresh] = day.problem.vehicles;
    // 08:00–16:00 Paris is 28,800–57,600 s into the day; planned at 10:30, no round leaves before then.
    expect(fresh).toMatchObject({ shift: { start: 37_800, end: 57_600 }, capacity: [80, 300], start: 0, end: 0, reload: { place: 0 } });
    const early = dayProblem({ date, dayStart, now: Date.parse('2026-12-07T05:00:00Z'), depot: place, couriers: [{ courier: courier('cou_2', 80), shift: shift('cou_2') }], deliveries: [] });
    expect(early.problem.vehicles[0]?.shift).toEqual({ start: 28_800, end: 57_600 });
    expect(fresh?.breaks).toEqual([{ id: 'cou_2:break:0', earliest: 43_200, latest: 43_200, duration: 1800 }]);
    expect(started?.shift.start).toBe(37_800);
    expect(day.places[started?.start as number]).toEqual({ lat: 45.44, lng: 4.39 });
    const [job, parcel] = day.problem.jobs;
    expect(job).toMatchObject({ type: 'shipment', id: 'dlv_A', amount: [4, 1], pickup: { service: 300, window: { earliest: 32_400, latest: 36_000 } }, delivery: { service: 180 } });
    // The parcel on Léa's bike stays on her bike: a delivery only her vehicle has the skill for.
    expect(parcel).toMatchObject({ type: 'delivery', id: 'dlv_B', skills: ['courier:cou_1'] });
    expect(started?.skills).toContain('courier:cou_1');
    expect(fresh?.skills).not.toContain('courier:cou_1');
  });
});

describe('stops a plan moves', () => {
  it('counts stops on another courier, or out of their order among the stops kept; new stops are not counted', () => {
    const before = new Map([['a', ['1:pickup', '1:delivery', '2:pickup', '2:delivery']], ['b', ['3:pickup', '3:delivery']]]);
    expect(movedStops(before, new Map([['a', ['9:pickup', '1:pickup', '1:delivery', '9:delivery', '2:pickup', '2:delivery']], ['b', ['3:pickup', '3:delivery']]]))).toBe(0);
    expect(movedStops(before, new Map([['a', ['2:pickup', '2:delivery', '1:pickup', '1:delivery']], ['b', ['3:pickup', '3:delivery']]]))).toBe(2);
    expect(movedStops(before, new Map([['a', ['1:pickup', '1:delivery']], ['b', ['3:pickup', '2:pickup', '3:delivery', '2:delivery']]]))).toBe(2);
  });
});
