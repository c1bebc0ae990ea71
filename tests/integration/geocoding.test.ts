import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

/**
 * The national address API adapter wired into pricing: `GEOCODER=ban` pointed at a local server
 * that answers with recorded-format responses.
 */
let api: TestApi;
let actors: Actors;
let ban: Server;
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
  process.env.GEOCODER_BASE_URL = `http://127.0.0.1:${(ban.address() as AddressInfo).port}/geocodage`;
  api = await startTestApi();
  actors = await setUpActors(api);
});
afterAll(async () => {
  await api?.stop();
  await new Promise<void>((resolve) => ban.close(() => resolve()));
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
