import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { places, quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

/**
 * The impact report through real HTTP into DynamoDB Local: a courier with a shift from one place
 * to another, deliveries of two tenants assigned in a known order, the courier's steps, then the
 * report's kilometres against an independent computation through the same stops in the same
 * order (great-circle × the cycling detour factor, no router configured), each tenant's share,
 * the CSV against the JSON, and the periods and callers refused.
 */
let api: TestApi;
let actors: Actors;
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
const month = today.slice(0, 7);
const DETOUR = 1.3;

/** Haversine on turf's mean Earth radius: written here, independent of the code under test. */
function haversineMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const R = 6_371_008.8;
  const rad = (degrees: number) => (degrees * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}
const ridden = (path: Array<{ lat: number; lng: number }>) => path.slice(1).reduce((sum, place, index) => sum + haversineMetres(path[index] as { lat: number; lng: number }, place) * DETOUR, 0);

const start = { line1: '5 place Jean Jaurès', postcode: '42000', city: 'Saint-Étienne', lat: 45.4412, lng: 4.3866 };
const end = { line1: '1 place de la Liberté', postcode: '42400', city: 'Saint-Chamond', lat: 45.4757, lng: 4.5149 };
const spots = {
  a1: { line1: '10 rue Michelet', postcode: '42000', city: 'Saint-Étienne', lat: 45.4339, lng: 4.3903 },
  a2: { line1: '3 cours Fauriel', postcode: '42100', city: 'Saint-Étienne', lat: 45.4262, lng: 4.4012 },
  b1: { line1: '20 rue de la Résistance', postcode: '42000', city: 'Saint-Étienne', lat: 45.4418, lng: 4.3942 },
};

let courier: { id: string; apiKey: string };
let d1: string;
let d2: string;
let d3: string;
let expectedMetres: number;

const book = async (key: string, reference: string, pickup: typeof places.hotelDeVille, dropoff: typeof places.hotelDeVille) => {
  const body = { ...quoteBody(), reference, pickup: { address: pickup, contact: { name: 'Épicerie', phone: '+33 4 77 00 00 00' } }, dropoff: { address: dropoff, contact: { name: 'Camille Martin', phone: '+33 6 12 34 56 78' } } };
  const response = await api.call('POST', '/v1/deliveries', { key, body });
  if (response.status !== 201) throw new Error(response.text);
  return response.json.id as string;
};
const step = async (id: string, body: Record<string, unknown>) => {
  const response = await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: courier.apiKey, body });
  if (response.status !== 200) throw new Error(`${body.type}: ${response.text}`);
};

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
  courier = (await api.call('POST', '/v1/couriers', { body: { name: 'Nour', vehicle: { type: 'cargo_bike' } } })).json;
  const shift = await api.call('PUT', `/v1/hub/couriers/${courier.id}/shifts/${today}`, { body: { start: '00:00', end: '23:59', startPlace: start, endPlace: end } });
  expect(shift.status, shift.text).toBe(200);

  d1 = await book(actors.tenantKey, 'IMP-1', places.hotelDeVille, spots.a1);
  d2 = await book(actors.tenantKey, 'IMP-2', places.jeanJaures, spots.a2);
  d3 = await book(actors.otherTenantKey, 'IMP-3', spots.b1, places.firminy);
  for (const id of [d1, d2, d3]) expect((await api.call('POST', `/v1/hub/deliveries/${id}/assign`, { body: { courierId: courier.id } })).status).toBe(200);
  // The hub's order: both of the first tenant's pickups, its first drop-off, the other tenant's pickup, the rest.
  const order = [
    { deliveryId: d1, type: 'pickup' },
    { deliveryId: d2, type: 'pickup' },
    { deliveryId: d1, type: 'dropoff' },
    { deliveryId: d3, type: 'pickup' },
    { deliveryId: d2, type: 'dropoff' },
    { deliveryId: d3, type: 'dropoff' },
  ];
  const put = await api.call('PUT', `/v1/hub/couriers/${courier.id}/rounds/${today}`, { body: { stops: order } });
  expect(put.status, put.text).toBe(200);

  // The courier's day: d1 delivered, d2 failed at the door, d3 picked up and still on the bike.
  await step(d1, { type: 'picked_up' });
  await step(d2, { type: 'picked_up' });
  await step(d1, { type: 'delivered' });
  await step(d3, { type: 'picked_up' });
  await step(d2, { type: 'failed', reasonCode: 'absent' });

  // Ridden: start → d1 pickup → d2 pickup → d1 drop-off → d3 pickup → d2 drop-off → end (d3's drop-off not yet).
  expectedMetres = ridden([start, places.hotelDeVille, places.jeanJaures, spots.a1, spots.b1, spots.a2, end]);
});
afterAll(() => api?.stop());

describe('the kilometres ridden', () => {
  it('are those of the applied round, stop by stop, from the shift’s start place to its end place', async () => {
    const response = await api.call('GET', `/v1/impact?month=${month}`);
    expect(response.status, response.text.slice(0, 500)).toBe(200);
    const report = response.json;
    expect(report).toMatchObject({ object: 'impact_report', scope: 'hub', tenantId: null, period: { month, year: null }, method: { distances: 'great_circle', detourFactor: 1.3 } });
    expect(report.factor).toMatchObject({ kgCo2ePerKm: expect.any(Number), source: expect.stringContaining('Base Carbone'), version: expect.any(String) });
    // Each leg is rounded up to the metre by the router port: within a metre per leg.
    expect(Math.abs(report.totals.metres - expectedMetres)).toBeLessThan(7);
    expect(report.totals.km).toBeCloseTo(expectedMetres / 1000, 2);
    // The order matters: in booking order, or in straight lines from start to end, the figure would be far off.
    expect(Math.abs(ridden([start, places.hotelDeVille, spots.a1, places.jeanJaures, spots.b1, spots.a2, end]) - expectedMetres)).toBeGreaterThan(100);
    expect(report.totals.metres).toBeGreaterThan(ridden([start, end]) + 1000);
    expect(report.totals.kgCo2eAvoided).toBeCloseTo((expectedMetres / 1000) * report.factor.kgCo2ePerKm, 2);
    expect(report.totals).toMatchObject({ deliveries: 1, failedAttempts: 1, stops: 5, parcels: 1 });
    expect(report.rounds).toEqual([expect.objectContaining({ date: today, courierId: courier.id, stops: 5, metres: report.totals.metres, distances: 'great_circle' })]);
  });

  it('are shared among the tenants by their stops, and the shares add up to the hub’s total', async () => {
    const hub = (await api.call('GET', `/v1/impact?month=${month}`)).json;
    const shares = hub.rounds[0].tenants as Array<{ tenantId: string; stops: number; metres: number }>;
    expect(shares.reduce((sum, share) => sum + share.metres, 0)).toBe(hub.totals.metres);
    const mine = shares.find((share) => share.tenantId === actors.tenantId);
    expect(mine?.stops).toBe(4);
    expect(Math.abs((mine?.metres ?? 0) - (hub.totals.metres * 4) / 5)).toBeLessThan(1);

    const tenant = (await api.call('GET', `/v1/impact?month=${month}`, { key: actors.tenantKey })).json;
    expect(tenant).toMatchObject({ scope: 'tenant', tenantId: actors.tenantId, rounds: null, tenants: null });
    expect(tenant.totals).toMatchObject({ deliveries: 1, failedAttempts: 1, stops: 4, metres: mine?.metres });
    const other = (await api.call('GET', `/v1/impact?month=${month}&tenantId=${actors.otherTenantId}`)).json;
    expect(other.totals).toMatchObject({ deliveries: 0, stops: 1 });
    expect(tenant.totals.metres + other.totals.metres).toBe(hub.totals.metres);
    expect(hub.tenants.map((row: { tenantId: string; metres: number }) => [row.tenantId, row.metres]).sort()).toEqual(
      [
        [actors.tenantId, tenant.totals.metres],
        [actors.otherTenantId, other.totals.metres],
      ].sort(),
    );
  });

  it('sum up in the yearly summary, a row per month', async () => {
    const year = (await api.call('GET', `/v1/impact?year=${today.slice(0, 4)}`)).json;
    expect(year.months).toHaveLength(Number(month.slice(5)));
    const row = year.months.find((entry: { month: string }) => entry.month === month);
    const monthly = (await api.call('GET', `/v1/impact?month=${month}`)).json;
    expect(row).toEqual({ month, ...monthly.totals });
    expect(year.totals).toEqual(monthly.totals);
  });
});

describe('the CSV', () => {
  const read = (text: string) => parse(text, { delimiter: ';', columns: true, bom: true, comment: '#' }) as Array<Record<string, string>>;
  const number = (text: string | undefined) => Number((text ?? '').replace(',', '.'));

  it('matches the JSON, with the factor cited', async () => {
    const json = (await api.call('GET', `/v1/impact?year=${today.slice(0, 4)}`)).json;
    const csv = await api.call('GET', `/v1/impact?year=${today.slice(0, 4)}`, { headers: { accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = read(csv.text);
    expect(rows.map((row) => row.mois)).toEqual([...json.months.map((entry: { month: string }) => entry.month), 'total']);
    const total = rows.at(-1) as Record<string, string>;
    expect([number(total.km), number(total.kgCO2e_evites), Number(total.livraisons), Number(total.arrets)]).toEqual([json.totals.km, json.totals.kgCo2eAvoided, json.totals.deliveries, json.totals.stops]);
    expect(csv.text).toContain('Base Carbone');
    expect(csv.text).toContain(String(json.factor.kgCo2ePerKm).replace('.', ','));

    const rounds = read((await api.call('GET', `/v1/impact?month=${month}&format=csv&detail=rounds`)).text);
    expect(rounds).toEqual([expect.objectContaining({ date: today, coursier: courier.id, arrets: '5' })]);
    expect(number(rounds[0]?.km)).toBe(json.totals.km);
    expectError(await api.call('GET', `/v1/impact?month=${month}&format=csv&detail=rounds`, { key: actors.tenantKey }), 403, 'forbidden');
  });
});

describe('a delivery through the hub', () => {
  it('counts the first leg’s kilometres on its round, not as a delivery of its own', async () => {
    const booked = await api.call('POST', '/v1/deliveries', {
      key: actors.tenantKey,
      body: { ...quoteBody(), reference: 'IMP-HUB', viaHub: { firstLeg: 'courier' }, pickup: { address: spots.b1, contact: { name: 'Ferme', phone: '+33 4 77 00 00 01' } } },
    });
    expect(booked.status, booked.text).toBe(201);
    const firstLegId = booked.json.hub.firstLegId as string;
    const leg = (await api.call('GET', `/v1/deliveries/${firstLegId}`)).json;
    expect(leg.leg).toEqual({ of: booked.json.id });
    expect((await api.call('POST', `/v1/hub/deliveries/${firstLegId}/assign`, { body: { courierId: courier.id } })).status).toBe(200);
    await step(firstLegId, { type: 'picked_up' });
    await step(firstLegId, { type: 'delivered' });

    const report = (await api.call('GET', `/v1/impact?month=${month}`)).json;
    // The round now ends with the first leg: its pickup, then the hub, then the shift's end place.
    const expected = ridden([start, places.hotelDeVille, places.jeanJaures, spots.a1, spots.b1, spots.a2, leg.pickup.address, leg.dropoff.address, end]);
    expect(Math.abs(report.totals.metres - expected)).toBeLessThan(9);
    expect(report.totals).toMatchObject({ stops: 7, deliveries: 1 });
  });
});

describe('refused', () => {
  it('a period missing, doubled, malformed or in the future', async () => {
    expect(expectError(await api.call('GET', '/v1/impact'), 400, 'parameter_missing').param).toBe('month');
    expect(expectError(await api.call('GET', `/v1/impact?month=${month}&year=2026`), 400, 'parameter_invalid').param).toBe('year');
    expect(expectError(await api.call('GET', '/v1/impact?month=2026-13'), 400, 'parameter_invalid').param).toBe('month');
    expect(expectError(await api.call('GET', '/v1/impact?year=26'), 400, 'parameter_invalid').param).toBe('year');
    expect(expectError(await api.call('GET', `/v1/impact?year=${Number(today.slice(0, 4)) + 1}`), 400, 'parameter_invalid').param).toBe('year');
    expect(expectError(await api.call('GET', `/v1/impact?month=${Number(today.slice(0, 4)) + 1}-01`), 400, 'parameter_invalid').param).toBe('month');
  });

  it("another tenant's figures, an unknown tenant, and couriers", async () => {
    // The books' readers: the hub's accountant reads the hub, a tenant's bookkeeper its tenant.
    const hubAccountant = (await api.call('POST', '/v1/hub/api-keys', { body: { role: 'accountant' } })).json.key as string;
    expect((await api.call('GET', `/v1/impact?month=${month}`, { key: hubAccountant })).json).toMatchObject({ scope: 'hub', tenantId: null });
    const bookkeeper = (await api.call('POST', `/v1/tenants/${actors.tenantId}/api-keys`, { body: { role: 'accountant' } })).json.key as string;
    expect((await api.call('GET', `/v1/impact?month=${month}`, { key: bookkeeper })).json).toMatchObject({ scope: 'tenant', tenantId: actors.tenantId, rounds: null });
    expectError(await api.call('GET', `/v1/impact?month=${month}&tenantId=${actors.otherTenantId}`, { key: bookkeeper }), 404, 'resource_missing');
    expectError(await api.call('GET', `/v1/impact?month=${month}&tenantId=${actors.otherTenantId}`, { key: actors.tenantKey }), 404, 'resource_missing');
    expect(expectError(await api.call('GET', `/v1/impact?month=${month}&tenantId=ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7`), 404, 'resource_missing').param).toBe('tenantId');
    expectError(await api.call('GET', `/v1/impact?month=${month}`, { key: courier.apiKey }), 403, 'forbidden');
  });
});
