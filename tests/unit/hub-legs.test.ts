import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { billableLinesFor } from '../../shared/billing/ledger.js';
import type { DeliveryHub } from '../../shared/deliveries/schemas.js';
import { allCheckedIn, checkInParcel, checkOutAll, checkOutParcel, countParcels, lastLegServiceDate, newHubRecord, splitThroughHub, stageOnFirstLegPickedUp } from '../../shared/hub/legs.js';
import { parcelCode, parseParcelCode } from '../../shared/hub/parcel-code.js';
import { defaultRateCard } from '../../shared/pricing/rate-card.js';
import { priceDelivery, withHubHandling } from '../../shared/pricing/price.js';
import { dayProblem } from '../../shared/planning/day-problem.js';
import { currentStatusTexts, renderTrackingPage } from '../../shared/tracking/page.js';
import { buildTrackingView } from '../../shared/tracking/view.js';
import { sampleDelivery } from '../fixtures/delivery.js';

const depot = { name: 'Hub des coursiers', address: { line1: '10 rue Balay', postcode: '42000', city: 'Saint-Étienne', country: 'FR' as const, lat: 45.4375, lng: 4.3861 } };
const now = new Date('2026-11-25T10:00:00.000Z');

describe('splitting a delivery into two legs', () => {
  const evening = { start: '2026-11-26T17:00:00.000Z', end: '2026-11-26T19:00:00.000Z' }; // 18:00–20:00 in Paris
  const morning = { start: '2026-11-27T07:00:00.000Z', end: '2026-11-27T09:00:00.000Z' }; // 08:00–10:00 in Paris
  const booked = sampleDelivery({
    parcels: [{ weightKg: 2 }, { weightKg: 3 }],
    pickup: { ...sampleDelivery().pickup, window: evening },
    dropoff: { ...sampleDelivery().dropoff, window: morning },
    serviceDate: '2026-11-26',
  });

  it('an evening pickup for a next-morning delivery: the first leg on the evening, the last leg on the morning', () => {
    const { last, first } = splitThroughHub(booked, { depot, firstLeg: 'courier', now, firstLegDistanceMeters: 850 });
    expect(first).not.toBeNull();
    expect(first?.serviceDate).toBe('2026-11-26');
    expect(last.serviceDate).toBe('2026-11-27');
    expect(first).toMatchObject({ status: 'booked', leg: { of: booked.id }, hub: null, price: { net: 0, vat: 0, gross: 0 }, lines: [], distanceMeters: 850, tracking: { token: '', url: '' } });
    expect(first?.pickup).toEqual(booked.pickup);
    expect(first?.dropoff).toEqual({ address: depot.address, contact: { name: depot.name } });
    expect(first?.parcels).toEqual(booked.parcels);
    // The last leg keeps its id, price, tracking link and drop-off; it leaves from the depot, remembering where the parcels came from.
    expect(last).toMatchObject({ id: booked.id, price: booked.price, tracking: booked.tracking, dropoff: booked.dropoff, pickup: { address: depot.address } });
    expect(last.pickup.window).toBeUndefined();
    expect(last.origin).toEqual({ address: booked.pickup.address, contact: booked.pickup.contact });
    expect(last.hub).toEqual({ firstLeg: 'courier', firstLegId: first?.id, stage: 'expected', parcels: [{ number: 1, checkedInAt: null, checkedOutAt: null }, { number: 2, checkedInAt: null, checkedOutAt: null }], checkedInAt: null, checkedOutAt: null });
  });

  it('the tenant brings the parcels itself: no first leg, the slot stays with the delivery', () => {
    const slot = { id: 'slt_1', date: '2026-11-26', start: '18:00', end: '20:00' };
    const { last, first } = splitThroughHub({ ...booked, slot }, { depot, firstLeg: 'tenant', now, firstLegDistanceMeters: 0 });
    expect(first).toBeNull();
    expect(last.slot).toEqual(slot);
    expect(last.hub).toMatchObject({ firstLeg: 'tenant', firstLegId: null });
  });

  it('a pickup slot goes with the first leg when a courier collects', () => {
    const slot = { id: 'slt_1', date: '2026-11-26', start: '18:00', end: '20:00' };
    const { last, first } = splitThroughHub({ ...booked, slot }, { depot, firstLeg: 'courier', now, firstLegDistanceMeters: 0 });
    expect(first?.slot).toEqual(slot);
    expect(last.slot).toBeNull();
  });

  it('without a drop-off window, the last leg is on the pickup day', () => {
    expect(lastLegServiceDate({ ...booked, dropoff: { address: booked.dropoff.address } })).toBe('2026-11-26');
    expect(lastLegServiceDate(booked)).toBe('2026-11-27');
  });
});

describe('the planner sees each leg as a job of its own', () => {
  it('a shipment to the depot, and one from it, the depot being the place they share', () => {
    const booked = sampleDelivery({ parcels: [{ weightKg: 2 }, { weightKg: 3 }] });
    const { last, first } = splitThroughHub(booked, { depot, firstLeg: 'courier', now, firstLegDistanceMeters: 850 });
    const day = dayProblem({ date: '2026-11-26', dayStart: Date.parse('2026-11-25T23:00:00Z'), now: now.getTime(), depot: depot.address, couriers: [], deliveries: [first!, last] });
    const [toHub, fromHub] = day.problem.jobs as Array<{ type: string; id: string; pickup: { place: number }; delivery: { place: number }; amount: number[] }>;
    expect(toHub).toMatchObject({ type: 'shipment', id: first!.id, delivery: { place: 0 }, amount: [5, 0] });
    expect(toHub?.pickup.place).not.toBe(0);
    expect(fromHub).toMatchObject({ type: 'shipment', id: last.id, pickup: { place: 0 } });
    expect(day.places).toHaveLength(3);
  });
});

describe('checking parcels in and out', () => {
  it('reaches the hub with the last parcel, whatever the order and the repeats', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.nat(), { maxLength: 30 }), (count, picks) => {
        let hub: DeliveryHub = { ...newHubRecord('courier', 'dlv_x', count), stage: 'to_hub' };
        const seen = new Set<number>();
        for (const pick of [...picks, ...Array.from({ length: count }, (_, index) => index)]) {
          const number = (pick % count) + 1;
          const outcome = checkInParcel(hub, number, '2026-11-26T18:30:00.000Z');
          expect(outcome.repeated).toBe(seen.has(number));
          seen.add(number);
          hub = outcome.hub;
          expect(outcome.completed).toBe(!outcome.repeated && seen.size === count);
          expect(hub.stage).toBe(seen.size === count ? 'at_hub' : 'to_hub');
          expect(countParcels(hub).checkedIn).toBe(seen.size);
        }
        expect(allCheckedIn(hub)).toBe(true);
        expect(hub.checkedInAt).toBe('2026-11-26T18:30:00.000Z');
      }),
    );
  });

  it('leaves the hub with the last parcel out', () => {
    let hub = newHubRecord('tenant', null, 2);
    hub = checkInParcel(hub, 1, 'a').hub;
    hub = checkInParcel(hub, 2, 'b').hub;
    const one = checkOutParcel(hub, 2, 'c');
    expect(one).toMatchObject({ repeated: false, completed: false, hub: { stage: 'at_hub' } });
    expect(checkOutParcel(one.hub, 2, 'd').repeated).toBe(true);
    const two = checkOutParcel(one.hub, 1, 'e');
    expect(two).toMatchObject({ completed: true, hub: { stage: 'left_hub', checkedOutAt: 'e' } });
    expect(countParcels(two.hub)).toEqual({ total: 2, checkedIn: 2, checkedOut: 2 });
    expect(() => checkInParcel(hub, 3, 'x')).toThrow(RangeError);
  });

  it('a courier pickup after check-in checks out what was not scanned; a first-leg pickup moves only an expected delivery', () => {
    const hub = checkInParcel(newHubRecord('tenant', null, 1), 1, 'a').hub;
    expect(checkOutAll(hub, 'z')).toMatchObject({ stage: 'left_hub', checkedOutAt: 'z', parcels: [{ number: 1, checkedInAt: 'a', checkedOutAt: 'z' }] });
    expect(stageOnFirstLegPickedUp(newHubRecord('courier', 'dlv_x', 1))?.stage).toBe('to_hub');
    expect(stageOnFirstLegPickedUp(hub)).toBeUndefined();
  });
});

describe('labels', () => {
  it('reads back what it prints, refuses another hub and nonsense', () => {
    const id = 'dlv_01JDQ6V7M5B8XK2ZQ3W4E5R6T7';
    expect(parseParcelCode(parcelCode(id, 2, 'STE'), 'STE')).toEqual({ ok: true, code: { hubCode: 'STE', deliveryId: id, parcel: 2 } });
    expect(parseParcelCode(` ${parcelCode(id, 2, 'STE').toLowerCase()} `, 'STE').ok).toBe(true);
    expect(parseParcelCode(parcelCode(id, 1, 'LYO'), 'STE')).toEqual({ ok: false, reason: 'other_hub', hubCode: 'LYO' });
    expect(parseParcelCode('hello', 'STE')).toEqual({ ok: false, reason: 'malformed' });
    expect(parseParcelCode(`STE:${id}:0`, 'STE')).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('price and billing through the hub', () => {
  it('is the direct price without a hub line, plus the hub line once when the rate card has one', () => {
    const direct = priceDelivery(defaultRateCard, { distanceMeters: 5200, parcels: [{ weightKg: 4 }], service: 'standard' });
    expect(withHubHandling(defaultRateCard, direct)).toEqual(direct);
    const card = { ...defaultRateCard, hubHandlingCents: 150 };
    const through = withHubHandling(card, direct);
    expect(through.lines.at(-1)).toEqual({ code: 'hub', label: 'Passage par le hub', amount: 150 });
    expect(through.price.net).toBe(direct.price.net + 150);
    expect(through.price.gross).toBe(through.price.net + through.price.vat);
    expect(withHubHandling(card, through)).toEqual(through);
  });

  it('never bills a first leg', () => {
    const delivered = sampleDelivery({ status: 'delivered', timeline: [{ status: 'delivered', at: '2026-11-26T19:00:00.000Z' }] });
    expect(billableLinesFor('delivery.delivered', delivered, 'evt_1', now)).toHaveLength(1);
    expect(billableLinesFor('delivery.delivered', { ...delivered, leg: { of: 'dlv_x' }, price: { currency: 'EUR', net: 0, vat: 0, gross: 0 } }, 'evt_1', now)).toEqual([]);
  });
});

describe('what the tracking page says through the hub', () => {
  const view = (overrides: Parameters<typeof sampleDelivery>[0]) => buildTrackingView(sampleDelivery(overrides), { eta: undefined, hubName: 'Hub' });
  const hub = (stage: DeliveryHub['stage']): DeliveryHub => ({ ...newHubRecord('courier', 'dlv_x', 1), stage });

  it.each([
    ['booked', 'expected', 'Livraison réservée', 'Delivery booked'],
    ['booked', 'to_hub', 'En route vers le hub', 'On its way to the hub'],
    ['assigned', 'at_hub', 'Au hub', 'At the hub'],
    ['picked_up', 'left_hub', 'En route vers vous', 'Out for delivery'],
  ] as const)('%s at stage %s: %s / %s', (status, stage, fr, en) => {
    const shown = view({ status, hub: hub(stage) });
    expect(shown.stage).toBe(stage);
    expect(currentStatusTexts(shown, 'fr').label).toBe(fr);
    expect(currentStatusTexts(shown, 'en').label).toBe(en);
  });

  it('lists the hub among the steps to come, before the parcels leave it', () => {
    const pageOf = (stage: DeliveryHub['stage'], status: 'booked' | 'assigned' | 'picked_up') => renderTrackingPage(view({ status, hub: hub(stage) }), 'fr', now.getTime());
    const todo = (markup: string) => [...markup.matchAll(/<li class="todo"><span>([^<]+)<\/span>/g)].map((match) => match[1]);
    expect(todo(pageOf('to_hub', 'booked'))).toEqual(['Coursier attribué', 'Au hub', 'En route vers vous', 'Livrée']);
    expect(todo(pageOf('at_hub', 'assigned'))).toEqual(['En route vers vous', 'Livrée']);
    expect(todo(renderTrackingPage(view({ status: 'assigned' }), 'fr', now.getTime()))).toEqual(['En route vers vous', 'Livrée']);
  });

  it('a collection point: where to collect it once delivered; a direct delivery shows no stage', () => {
    const shown = view({ status: 'delivered', collectionPoint: { id: 'clp_1', name: 'Librairie Lune' } });
    expect(currentStatusTexts(shown, 'fr').label).toBe('À retirer chez Librairie Lune');
    expect(currentStatusTexts(shown, 'en').label).toBe('Ready to collect at Librairie Lune');
    expect(view({}).stage).toBeUndefined();
  });
});
