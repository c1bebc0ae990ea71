import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setAdapters } from '../../shared/geo/adapters.js';
import { BanGeocoder, GeocoderUnavailableError } from '../../shared/geo/geocoder.js';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { places, quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

/**
 * The national address API adapter wired into pricing: `GEOCODER=ban` pointed at a local server
 * that answers with recorded-format responses.
 */
let api: TestApi;
let actors: Actors;
let ban: Server;
let banUrl: string;
const queries: URLSearchParams[] = [];

beforeAll(async () => {
  ban = createServer((request, response) => {
    const query = new URL(request.url ?? '/', 'http://ban').searchParams;
    queries.push(query);
    const file = (query.get('q') ?? '').includes('Michelet') ? 'housenumber-saint-etienne.json' : 'empty.json';
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(readFileSync(new URL(`../fixtures/ban/${file}`, import.meta.url)));
  });
  await new Promise<void>((resolve) => ban.listen(0, '127.0.0.1', resolve));
  process.env.GEOCODER = 'ban';
  banUrl = `http://127.0.0.1:${(ban.address() as AddressInfo).port}/geocodage`;
  process.env.GEOCODER_BASE_URL = banUrl;
  api = await startTestApi();
  actors = await setUpActors(api);
});
afterAll(async () => {
  await api?.stop();
  await new Promise<void>((resolve) => ban.close(() => resolve()));
});

describe('address search', () => {
  it('proposes addresses through the geocoder, and says when no address service is configured', async () => {
    const found = await api.call('GET', `/v1/addresses?q=${encodeURIComponent('12 rue Michelet')}`, { key: actors.tenantKey });
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ searchAvailable: true, data: [{ line1: '12 Rue Michelet', postcode: '42000', city: 'Saint-Étienne', lat: 45.437561, lng: 4.388214 }] });
    expect(queries.at(-1)?.get('autocomplete')).toBe('1');
    expect((await api.call('GET', '/v1/addresses?q=nowhere', { key: actors.tenantKey })).json.data).toEqual([]);
    expectError(await api.call('GET', '/v1/addresses?q=ab', { key: actors.tenantKey }), 400, 'parameter_invalid');
    setAdapters({ geocoder: null });
    try {
      expect((await api.call('GET', '/v1/addresses?q=12+rue+Michelet', { key: actors.tenantKey })).json).toMatchObject({ searchAvailable: false, data: [] });
    } finally {
      setAdapters({ geocoder: new BanGeocoder({ baseUrl: banUrl }) });
    }
    setAdapters({ geocoder: new BanGeocoder({ baseUrl: 'http://127.0.0.1:9/geocodage', timeoutMs: 500 }) });
    try {
      expectError(await api.call('GET', '/v1/addresses?q=12+rue+Michelet', { key: actors.tenantKey }), 503, 'upstream_unavailable');
    } finally {
      setAdapters({ geocoder: new BanGeocoder({ baseUrl: banUrl }) });
    }
  });
});

describe('quotes with a geocoder configured', () => {
  it('locates an address given without coordinates', async () => {
    const body = quoteBody({ dropoff: { ...quoteBody().dropoff, address: { line1: '12 rue Michelet', postcode: '42000', city: 'Saint-Étienne' } } });
    const response = await api.call('POST', '/v1/quotes', { key: actors.tenantKey, body });
    expect(response.status).toBe(201);
    expect(response.json.dropoff.address).toMatchObject({ line1: '12 rue Michelet', lat: 45.437561, lng: 4.388214 });
    const sent = queries.at(-1);
    expect(sent?.get('q')).toContain('12 rue Michelet');
    expect(sent?.get('postcode')).toBe('42000');
  });

  it('answers 422 address_not_geocoded when the address cannot be found', async () => {
    const body = quoteBody({ pickup: { address: { line1: '999 chemin introuvable', postcode: '42000', city: 'Saint-Étienne' } } });
    expect(expectError(await api.call('POST', '/v1/quotes', { key: actors.tenantKey, body }), 422, 'address_not_geocoded').param).toBe('pickup.address');
  });

  it('answers 503 when the address service is down, not a 500', async () => {
    process.env.GEOCODER_BASE_URL = 'http://127.0.0.1:9/geocodage';
    const { setAdapters } = await import('../../shared/geo/adapters.js');
    const { BanGeocoder } = await import('../../shared/geo/geocoder.js');
    setAdapters({ geocoder: new BanGeocoder({ baseUrl: 'http://127.0.0.1:9/geocodage', timeoutMs: 500 }) });
    const body = quoteBody({ pickup: { address: { line1: '1 rue X', postcode: '42000', city: 'Saint-Étienne' } } });
    const error = expectError(await api.call('POST', '/v1/quotes', { key: actors.tenantKey, body }), 503, 'upstream_unavailable');
    expect(error.type).toBe('api_error');
  });
});

describe('a default pickup saved without coordinates', () => {
  beforeEach(() => setAdapters({ geocoder: new BanGeocoder({ baseUrl: banUrl }) }));

  it('is located once, when saved, through the same geocoder as quotes', async () => {
    const saved = await api.call('PUT', `/v1/tenants/${actors.tenantId}/default-pickup`, {
      key: actors.tenantKey,
      body: { address: { line1: '12 rue Michelet', postcode: '42000', city: 'Saint-Étienne' }, instructions: 'Entrée par la cour' },
    });
    expect(saved.status).toBe(200);
    expect(saved.json.address).toMatchObject({ line1: '12 rue Michelet', lat: 45.437561, lng: 4.388214 });
    const asked = queries.length;
    const { pickup: _left, ...body } = quoteBody();
    const quote = await api.call('POST', '/v1/quotes', { key: actors.tenantKey, body });
    expect(quote.json.pickup).toMatchObject({ address: { line1: '12 rue Michelet', lat: 45.437561, lng: 4.388214 }, instructions: 'Entrée par la cour' });
    expect(queries.length).toBe(asked);
  });
});

describe('inbound orders without coordinates', () => {
  const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
  const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');
  let woo: { id: string; secret: string };

  /** A WooCommerce order (they never carry coordinates), shipped to `street`. */
  const order = (id: number, street: string) => {
    const body = JSON.parse(fixture('woocommerce/order-processing.json'));
    body.id = id;
    body.shipping.address_1 = street;
    return JSON.stringify(body);
  };
  const post = (body: string) =>
    api.call('POST', `/v1/inbound/${woo.id}`, { key: null, rawBody: body, headers: { 'content-type': 'application/json', 'x-wc-webhook-signature': sign(woo.secret, body) } });
  const listed = async (id: number) =>
    ((await api.call('GET', `/v1/integrations/${woo.id}/orders?limit=100`, { key: actors.tenantKey })).json.data as Array<{ id: string }>).find((entry) => entry.id === String(id)) as any;

  beforeAll(async () => {
    woo = (await api.call('POST', '/v1/integrations', { key: actors.tenantKey, body: { provider: 'woocommerce', pickup: { address: places.hotelDeVille }, defaultParcel: { weightKg: 3 } } })).json;
  });
  beforeEach(() => setAdapters({ geocoder: new BanGeocoder({ baseUrl: banUrl }) }));

  it('are located through the geocoder and booked, the order keeping the coordinates found', async () => {
    const booked = await post(order(901, '12 rue Michelet'));
    expect(booked.status).toBe(202);
    expect(booked.json.deliveryId).toMatch(/^dlv_/);
    const delivery = (await api.call('GET', `/v1/deliveries/${booked.json.deliveryId}`, { key: actors.tenantKey })).json;
    expect(delivery.dropoff).toMatchObject({ address: { line1: '12 rue Michelet', line2: '3e étage', lat: 45.437561, lng: 4.388214 }, contact: { name: 'Louis Bernard', email: 'louis.bernard@example.org' } });
    expect((await listed(901)).request.dropoff.address).toMatchObject({ lat: 45.437561, lng: 4.388214 });
  });

  it('wait for review when the address cannot be found, saying what to do', async () => {
    const kept = await post(order(902, '999 chemin introuvable'));
    expect(kept.json).toEqual({ deliveryId: null, status: 'needs_review', reason: 'address_not_geocoded' });
    expect((await listed(902)).reason).toEqual({ code: 'address_not_geocoded', param: 'dropoff.address', message: expect.stringContaining('check the street, postcode and city, or give lat and lng') });
  });

  it('are kept for review, answered 202, while the address service is down; booked once it is back', async () => {
    setAdapters({
      geocoder: {
        geocode: async () => {
          throw new GeocoderUnavailableError('The geocoder answered HTTP 503.');
        },
      },
    });
    const kept = await post(order(903, '12 rue Michelet'));
    expect(kept.status).toBe(202);
    expect(kept.json).toEqual({ deliveryId: null, status: 'needs_review', reason: 'geocoder_unavailable' });
    expect(await listed(903)).toMatchObject({ status: 'needs_review', reason: { code: 'geocoder_unavailable', param: 'dropoff.address', message: expect.stringContaining('The order is kept') } });

    // Still down: the tenant's retry is told so (503, retry later), and the order stays kept.
    expectError(await api.call('POST', `/v1/integrations/${woo.id}/orders/903/book`, { key: actors.tenantKey, body: {} }), 503, 'upstream_unavailable');
    expect((await listed(903)).status).toBe('needs_review');

    setAdapters({ geocoder: new BanGeocoder({ baseUrl: banUrl }) });
    const booked = await api.call('POST', `/v1/integrations/${woo.id}/orders/903/book`, { key: actors.tenantKey, body: {} });
    expect(booked.status).toBe(201);
    expect(booked.json).toMatchObject({ status: 'booked', deliveryId: expect.stringMatching(/^dlv_/) });
    expect((await api.call('GET', `/v1/deliveries/${booked.json.deliveryId}`, { key: actors.tenantKey })).json.dropoff.address).toMatchObject({ lat: 45.437561, lng: 4.388214 });
  });
});
