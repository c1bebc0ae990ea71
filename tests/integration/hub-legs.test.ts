import { TZDate } from '@date-fns/tz';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../shared/billing/period.js';
import { billingRepository } from '../../shared/billing/repository.js';
import { parcelCode } from '../../shared/hub/parcel-code.js';
import { newId } from '../../shared/ids.js';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { places, quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

/**
 * Issue 18, deliveries through the hub, through real HTTP into DynamoDB Local: a delivery booked
 * via the hub with two parcels (an evening first leg, a next-morning last leg, each on its own
 * day), the first leg assigned and picked up (tracking: on its way to the hub), both parcels
 * checked in (at the hub; the first leg delivered), a repeat, a check-out refused before the last
 * leg is assigned, then assigned, scanned out (picked up) and delivered, billed once. Labels that
 * are not ours, malformed, unknown, direct or cancelled; scanners at the same time; a direct
 * delivery turned into two legs; collection points.
 */
let api: TestApi;
let actors: Actors;

const parisDay = (offset: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() + offset * 86_400_000));
const parisInstant = (day: string, hour: number) => {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(year, month - 1, date, hour, 0, 0, 'Europe/Paris').getTime()).toISOString();
};
const tomorrow = parisDay(1);
const dayAfter = parisDay(2);

type Json = Record<string, any>;
const scan = (code: string, action: 'check_in' | 'check_out', key?: string) => api.call('POST', '/v1/hub/scans', { ...(key ? { key } : {}), body: { code, action } });
const step = (id: string, body: Json, key: string) => api.call('POST', `/v1/courier/deliveries/${id}/events`, { key, body });
const assign = (id: string, courierId: string) => api.call('POST', `/v1/hub/deliveries/${id}/assign`, { body: { courierId } });
const get = async (id: string): Promise<Json> => (await api.call('GET', `/v1/deliveries/${id}`)).json;
const track = async (token: string): Promise<Json> => (await api.call('GET', `/v1/track/${token}`, { key: null })).json;
const page = async (token: string, lang: 'fr' | 'en') => (await api.call('GET', `/track/${token}?lang=${lang}`, { key: null })).text;

async function bookViaHub(extra: Json = {}): Promise<Json> {
  const response = await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: { ...quoteBody(), viaHub: {}, ...extra } });
  if (response.status !== 201) throw new Error(response.text);
  return response.json;
}

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
});
afterAll(() => api?.stop());

describe('a delivery through the hub, evening pickup, next-morning delivery', () => {
  let delivery: Json;
  let firstLeg: Json;

  it('books two legs in one go: the first on the pickup evening, the last on the next morning', async () => {
    delivery = await bookViaHub({
      reference: 'HUB-1',
      parcels: [{ weightKg: 3, description: 'Cagette' }, { weightKg: 2 }],
      pickup: { ...quoteBody().pickup, window: { start: parisInstant(tomorrow, 18), end: parisInstant(tomorrow, 20) } },
      dropoff: { ...quoteBody().dropoff, window: { start: parisInstant(dayAfter, 8), end: parisInstant(dayAfter, 10) } },
    });
    expect(delivery.hub).toMatchObject({ firstLeg: 'courier', stage: 'expected', checkedInAt: null, checkedOutAt: null });
    expect(delivery.hub.parcels).toEqual([
      { number: 1, checkedInAt: null, checkedOutAt: null },
      { number: 2, checkedInAt: null, checkedOutAt: null },
    ]);
    expect(delivery.serviceDate).toBe(dayAfter);
    const depot = (await api.call('GET', '/v1/hub/depot')).json;
    expect(delivery.pickup.address).toMatchObject({ lat: depot.address.lat, lng: depot.address.lng });
    expect(delivery.origin.address).toMatchObject({ lat: places.hotelDeVille.lat, lng: places.hotelDeVille.lng });
    // The whole trip's price, as a direct delivery (this rate card has no hub line).
    const direct = (await api.call('POST', '/v1/quotes', { key: actors.tenantKey, body: quoteBody({ parcels: [{ weightKg: 3 }, { weightKg: 2 }] }) })).json;
    expect(delivery.price).toEqual(direct.price);

    firstLeg = await get(delivery.hub.firstLegId);
    expect(firstLeg).toMatchObject({ status: 'booked', leg: { of: delivery.id }, serviceDate: tomorrow, price: { net: 0, gross: 0 }, reference: 'HUB-1', hub: null });
    expect(firstLeg.pickup.window).toEqual({ start: parisInstant(tomorrow, 18), end: parisInstant(tomorrow, 20) });
    expect(firstLeg.dropoff.address).toMatchObject({ lat: depot.address.lat, lng: depot.address.lng });
    expect(firstLeg.parcels).toHaveLength(2);
  });

  it("keeps the first leg off the tenant's list, on the hub's board of its day", async () => {
    const listed = (await api.call('GET', '/v1/deliveries?limit=100', { key: actors.tenantKey })).json.data.map((entry: Json) => entry.id);
    expect(listed).toContain(delivery.id);
    expect(listed).not.toContain(firstLeg.id);
    const evening = (await api.call('GET', `/v1/hub/board?date=${tomorrow}`)).json;
    expect(evening.unassigned.map((entry: Json) => entry.id)).toContain(firstLeg.id);
    expect(evening.unassigned.map((entry: Json) => entry.id)).not.toContain(delivery.id);
    const morning = (await api.call('GET', `/v1/hub/board?date=${dayAfter}`)).json;
    expect(morning.unassigned.map((entry: Json) => entry.id)).toContain(delivery.id);
  });

  it('says "on its way to the hub" once the first leg is picked up', async () => {
    expect((await track(delivery.tracking.token)).stage).toBe('expected');
    expect((await assign(firstLeg.id, actors.courier.id)).status).toBe(200);
    const picked = await step(firstLeg.id, { type: 'picked_up' }, actors.courier.key);
    expect(picked.json.status, picked.text).toBe('picked_up');
    expect((await get(delivery.id)).hub.stage).toBe('to_hub');
    const view = await track(delivery.tracking.token);
    expect(view).toMatchObject({ status: 'booked', stage: 'to_hub' });
    expect(await page(delivery.tracking.token, 'fr')).toContain('En route vers le hub');
    expect(await page(delivery.tracking.token, 'en')).toContain('On its way to the hub');
  });

  it('checks both parcels in: at the hub, the first leg delivered, a repeat answered the same', async () => {
    const one = await scan(parcelCode(delivery.id, 1), 'check_in', actors.otherCourier.key);
    expect(one.status, one.text).toBe(200);
    expect(one.json).toMatchObject({ object: 'parcel_scan', action: 'check_in', deliveryId: delivery.id, reference: 'HUB-1', parcel: 1, parcels: { total: 2, checkedIn: 1, checkedOut: 0 }, stage: 'to_hub', repeated: false });
    const again = await scan(` ${parcelCode(delivery.id, 1).toLowerCase()} `, 'check_in');
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ parcel: 1, parcels: { checkedIn: 1 }, repeated: true });
    const two = await scan(parcelCode(delivery.id, 2), 'check_in');
    expect(two.json).toMatchObject({ parcels: { total: 2, checkedIn: 2, checkedOut: 0 }, stage: 'at_hub', status: 'booked', repeated: false });

    const read = await get(delivery.id);
    expect(read.status).toBe('booked');
    expect(read.hub.checkedInAt).toEqual(expect.any(String));
    expect(read.timeline.at(-1)).toMatchObject({ status: 'booked', step: 'at_hub' });
    expect((await get(firstLeg.id)).status).toBe('delivered');
    expect(await track(delivery.tracking.token)).toMatchObject({ stage: 'at_hub' });
    expect(await page(delivery.tracking.token, 'fr')).toContain('Au hub');
    expect(await page(delivery.tracking.token, 'en')).toContain('At the hub');

    // A repeat once all are in: still the same answer.
    expect((await scan(parcelCode(delivery.id, 2), 'check_in')).json).toMatchObject({ repeated: true, stage: 'at_hub' });
  });

  it('refuses a check-out before the last leg is assigned, and by another courier', async () => {
    const early = await scan(parcelCode(delivery.id, 1), 'check_out');
    expectError(early, 409, 'invalid_transition');
    expect(early.json.error.message).toMatch(/assign/);
    expect((await assign(delivery.id, actors.courier.id)).status).toBe(200);
    expectError(await scan(parcelCode(delivery.id, 1), 'check_out', actors.otherCourier.key), 409, 'not_on_round');
  });

  it("checks the parcels out with the last leg's courier: picked up, out for delivery, then delivered", async () => {
    const one = await scan(parcelCode(delivery.id, 1), 'check_out', actors.courier.key);
    expect(one.json, one.text).toMatchObject({ parcels: { checkedIn: 2, checkedOut: 1 }, stage: 'at_hub', status: 'assigned', repeated: false });
    expect((await scan(parcelCode(delivery.id, 1), 'check_out', actors.courier.key)).json).toMatchObject({ repeated: true, parcels: { checkedOut: 1 } });
    const two = await scan(parcelCode(delivery.id, 2), 'check_out', actors.courier.key);
    expect(two.json).toMatchObject({ parcels: { checkedOut: 2 }, stage: 'left_hub', status: 'picked_up' });
    const read = await get(delivery.id);
    expect(read).toMatchObject({ status: 'picked_up', courierId: actors.courier.id });
    expect(await track(delivery.tracking.token)).toMatchObject({ status: 'picked_up', stage: 'left_hub' });
    expect(await page(delivery.tracking.token, 'fr')).toContain('En route vers vous');
    expect(await page(delivery.tracking.token, 'en')).toContain('Out for delivery');

    const delivered = await step(delivery.id, { type: 'delivered', proof: { recipientName: 'Camille' } }, actors.courier.key);
    expect(delivered.json.status, delivered.text).toBe('delivered');
  });

  it('bills the delivery once, at its price, and never the first leg', async () => {
    await api.runtime.settle();
    const lines = await billingRepository.listLines(actors.tenantId, periodOf(new Date()));
    const mine = lines.filter((line) => line.deliveryId === delivery.id || line.deliveryId === firstLeg.id);
    expect(mine.map((line) => [line.deliveryId, line.kind, line.gross])).toEqual([[delivery.id, 'delivery', delivery.price.gross]]);
    // The tenant hears of the hub step (a public event); the first leg's tracking link does not exist.
    const trail = (await api.call('GET', `/v1/tenants/${actors.tenantId}/events?limit=100`)).json.data as Json[];
    expect(trail.filter((event) => event.type === 'delivery.at_hub' && event.data.id === delivery.id)).toHaveLength(1);
    expect(firstLeg.tracking.token).toBe('');
  });
});

describe('the pickup of a delivery through the hub before its parcels are in', () => {
  it('is refused to the courier (409 not_at_hub), and so is a check-out', async () => {
    const delivery = await bookViaHub({ viaHub: { firstLeg: 'tenant' } });
    expect(delivery.hub).toMatchObject({ firstLeg: 'tenant', firstLegId: null, stage: 'expected' });
    await assign(delivery.id, actors.courier.id);
    // Assigned, but its parcels are not at the hub yet: no arrival time to promise.
    expect((await track(delivery.tracking.token)).eta).toBeUndefined();
    expectError(await step(delivery.id, { type: 'picked_up' }, actors.courier.key), 409, 'not_at_hub');
    expectError(await scan(parcelCode(delivery.id, 1), 'check_out'), 409, 'not_at_hub');
    // In at the hub (the tenant brought it), the courier's own pickup checks it out.
    expect((await scan(parcelCode(delivery.id, 1), 'check_in')).json.stage).toBe('at_hub');
    expect((await track(delivery.tracking.token)).eta).toBeDefined();
    const picked = await step(delivery.id, { type: 'picked_up' }, actors.courier.key);
    expect(picked.json).toMatchObject({ status: 'picked_up', hub: { stage: 'left_hub' } });
  });

  it('cancels a first leg that never left when the parcels reach the hub another way', async () => {
    const delivery = await bookViaHub();
    const scanned = await scan(parcelCode(delivery.id, 1), 'check_in');
    expect(scanned.json.stage).toBe('at_hub');
    const first = await get(delivery.hub.firstLegId);
    expect(first).toMatchObject({ status: 'cancelled', cancellation: { fee: null } });
  });
});

describe('scanning what it should not', () => {
  it('refuses a malformed code, another hub’s, an unknown delivery or parcel, a direct and a cancelled delivery', async () => {
    const delivery = await bookViaHub({ parcels: [{ weightKg: 1 }, { weightKg: 1 }] });
    const malformed = await scan('hello', 'check_in');
    expectError(malformed, 400, 'parameter_invalid');
    expect(malformed.json.error.param).toBe('code');
    expect(malformed.json.error.message).toMatch(/not a parcel label/);

    const other = await scan(`LYO:${delivery.id}:1`, 'check_in');
    expectError(other, 422, 'label_other_hub');
    expect(other.json.error.message).toContain('LYO');

    expectError(await scan(parcelCode(newId('delivery'), 1), 'check_in'), 404, 'resource_missing');
    const beyond = await scan(parcelCode(delivery.id, 3), 'check_in');
    expectError(beyond, 404, 'resource_missing');
    expect(beyond.json.error.message).toMatch(/2 parcels/);

    const direct = (await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: quoteBody() })).json;
    expectError(await scan(parcelCode(direct.id, 1), 'check_in'), 409, 'not_via_hub');

    expect((await api.call('POST', `/v1/deliveries/${delivery.id}/cancel`, { key: actors.tenantKey, body: {} })).json.status).toBe('cancelled');
    // Its first leg, not picked up, is cancelled with it.
    expect((await get(delivery.hub.firstLegId)).status).toBe('cancelled');
    expectError(await scan(parcelCode(delivery.id, 1), 'check_in'), 409, 'invalid_transition');

    // Only the hub and couriers scan.
    expectError(await api.call('POST', '/v1/hub/scans', { key: actors.tenantKey, body: { code: parcelCode(direct.id, 1), action: 'check_in' } }), 403, 'forbidden');
    expectError(await api.call('POST', '/v1/hub/scans', { body: { code: parcelCode(direct.id, 1), action: 'arrive' } }), 400, 'parameter_invalid');
  });

  it('counts every parcel when scanners check them in at the same time', async () => {
    const delivery = await bookViaHub({ viaHub: { firstLeg: 'tenant' }, parcels: [{ weightKg: 1 }, { weightKg: 1 }, { weightKg: 1 }, { weightKg: 1 }] });
    const answers = await Promise.all([1, 2, 3, 4, 1].map((number) => scan(parcelCode(delivery.id, number), 'check_in')));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter((answer) => answer.json.repeated)).toHaveLength(1);
    const read = await get(delivery.id);
    expect(read.hub.parcels.every((parcel: Json) => parcel.checkedInAt !== null)).toBe(true);
    expect(read.hub.stage).toBe('at_hub');
    expect(read.timeline.filter((entry: Json) => entry.step === 'at_hub')).toHaveLength(1);

    await assign(delivery.id, actors.courier.id);
    const out = await Promise.all([1, 2, 3, 4].map((number) => scan(parcelCode(delivery.id, number), 'check_out', actors.courier.key)));
    expect(out.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    const after = await get(delivery.id);
    expect(after).toMatchObject({ status: 'picked_up', hub: { stage: 'left_hub' } });
    expect(after.timeline.filter((entry: Json) => entry.status === 'picked_up')).toHaveLength(1);
  });
});

describe('turning a direct delivery into two legs', () => {
  it('splits a booked delivery once, adds the rate card’s hub line, and refuses an assigned one', async () => {
    const rateCard = (await api.call('GET', '/v1/hub/rate-card')).json;
    const { object: _object, source: _source, tenantId: _tenant, ...card } = rateCard;
    expect((await api.call('PUT', `/v1/tenants/${actors.otherTenantId}/rate-card`, { body: { ...card, hubHandlingCents: 150 } })).status).toBe(200);
    const booked = (await api.call('POST', '/v1/deliveries', { key: actors.otherTenantKey, body: quoteBody() })).json;
    const turned = await api.call('POST', `/v1/deliveries/${booked.id}/via-hub`, { key: actors.otherTenantKey, body: {} });
    expect(turned.status, turned.text).toBe(200);
    expect(turned.json).toMatchObject({ id: booked.id, status: 'booked', hub: { firstLeg: 'courier', stage: 'expected' }, tracking: booked.tracking });
    expect(turned.json.lines.at(-1)).toMatchObject({ code: 'hub', amount: 150 });
    expect(turned.json.price.net).toBe(booked.price.net + 150);
    const first = await get(turned.json.hub.firstLegId);
    expect(first).toMatchObject({ tenantId: actors.otherTenantId, leg: { of: booked.id }, status: 'booked' });

    expectError(await api.call('POST', `/v1/deliveries/${booked.id}/via-hub`, { key: actors.otherTenantKey, body: {} }), 409, 'invalid_transition');
    // Another tenant's delivery: not found.
    expectError(await api.call('POST', `/v1/deliveries/${booked.id}/via-hub`, { key: actors.tenantKey, body: {} }), 404, 'resource_missing');

    const assigned = (await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: quoteBody() })).json;
    await assign(assigned.id, actors.courier.id);
    const late = await api.call('POST', `/v1/deliveries/${assigned.id}/via-hub`, { key: actors.tenantKey, body: { firstLeg: 'tenant' } });
    expectError(late, 409, 'invalid_transition');
    expect(late.json.error.message).toMatch(/assigned/);

    // Without a hub line, the price stays the booked one; the tenant brings the parcels itself: no first leg.
    const plain = (await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: quoteBody() })).json;
    const kept = await api.call('POST', `/v1/deliveries/${plain.id}/via-hub`, { key: actors.tenantKey, body: { firstLeg: 'tenant' } });
    expect(kept.json).toMatchObject({ price: plain.price, hub: { firstLeg: 'tenant', firstLegId: null } });
  });
});

describe('collection points', () => {
  it('are declared by the hub, listed to tenants, booked to, and removed', async () => {
    const created = await api.call('POST', '/v1/hub/collection-points', { body: { name: 'Librairie Lune', address: places.jeanJaures, openingHours: 'mar.–sam. 9h–19h' } });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({ object: 'collection_point', name: 'Librairie Lune', openingHours: 'mar.–sam. 9h–19h' });
    expect(created.json.id).toMatch(/^clp_/);
    expectError(await api.call('POST', '/v1/hub/collection-points', { body: { name: 'Bellecour', address: places.lyon } }), 422, 'outside_service_area');
    expectError(await api.call('POST', '/v1/hub/collection-points', { key: actors.tenantKey, body: { name: 'X', address: places.jeanJaures } }), 403, 'forbidden');

    const listed = await api.call('GET', '/v1/collection-points', { key: actors.tenantKey });
    expect(listed.json.data.map((point: Json) => point.id)).toContain(created.json.id);

    const booked = await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: { ...quoteBody(), viaHub: { firstLeg: 'tenant' }, collectionPointId: created.json.id } });
    expect(booked.status, booked.text).toBe(201);
    expect(booked.json.collectionPoint).toEqual({ id: created.json.id, name: 'Librairie Lune' });
    expect(booked.json.dropoff.address).toMatchObject({ line1: places.jeanJaures.line1, lat: places.jeanJaures.lat });
    expect(booked.json.dropoff.contact.name).toBe('Camille Martin');

    const unknown = await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: { ...quoteBody(), collectionPointId: 'clp_nope' } });
    expectError(unknown, 404, 'resource_missing');
    expect(unknown.json.error.param).toBe('collectionPointId');

    // Through the hub to the point: delivered there, the page says where to collect it.
    const id = booked.json.id as string;
    await scan(parcelCode(id, 1), 'check_in');
    await assign(id, actors.courier.id);
    await scan(parcelCode(id, 1), 'check_out', actors.courier.key);
    await step(id, { type: 'delivered' }, actors.courier.key);
    expect(await track(booked.json.tracking.token)).toMatchObject({ status: 'delivered', collectionPoint: { name: 'Librairie Lune' } });
    expect(await page(booked.json.tracking.token, 'fr')).toContain('À retirer chez Librairie Lune');

    expect((await api.call('DELETE', `/v1/hub/collection-points/${created.json.id}`)).json).toEqual({ id: created.json.id, object: 'collection_point', deleted: true });
    expectError(await api.call('DELETE', `/v1/hub/collection-points/${created.json.id}`), 404, 'resource_missing');
  });
});
