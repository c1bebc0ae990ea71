import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, sampleTenant, startTestApi, type TestApi } from '../helpers/runtime.js';
import { places, quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

// DynamoDB stores a number only if it is 0 or its magnitude lies between 1E-130 and
// 9.99…E+125: anything else used to pass validation and fail the write with a 500.

let api: TestApi;
let actors: Actors;

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
});
afterAll(() => api?.stop());

const tenant = () => ({ key: actors.tenantKey });
const admin = () => ({});

describe('a number DynamoDB cannot store', () => {
  it.each([
    ['a parcel under a gram (1e-131 kg)', 'POST', '/v1/quotes', tenant, () => quoteBody({ parcels: [{ weightKg: 1e-131 }] }), 'parcels[0].weightKg'],
    ['a parcel side of 1e-200 cm', 'POST', '/v1/quotes', tenant, () => quoteBody({ parcels: [{ weightKg: 2, lengthCm: 1e-200, widthCm: 30, heightCm: 30 }] }), 'parcels[0].lengthCm'],
    ['a drop-off latitude of 1e-200', 'POST', '/v1/deliveries', tenant, () => ({ ...quoteBody(), dropoff: { address: { ...places.firminy, lat: 1e-200 }, contact: { name: 'Camille' } } }), 'dropoff.address.lat'],
    ['a default parcel of 1e-131 kg', 'POST', '/v1/integrations', tenant, () => ({ provider: 'shopify', pickup: { address: places.hotelDeVille }, defaultParcel: { weightKg: 1e-131 } }), 'defaultParcel.weightKg'],
    ['a tenant address longitude of -1e-150', 'POST', '/v1/tenants', admin, () => sampleTenant({ address: { ...places.hotelDeVille, lng: -1e-150 } }), 'address.lng'],
  ] as const)('is a 400 naming the field: %s', async (_name, method, path, as, body, param) => {
    const error = expectError(await api.call(method, path, { ...as(), body: body() }), 400, 'parameter_invalid');
    expect(error.param).toBe(param);
    expect(error.message.startsWith(param)).toBe(true);
  });

  it('in a courier position report is a 400 naming position.lat; the delivery stays readable and unmoved', async () => {
    const booked = await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: quoteBody() });
    expect(booked.status).toBe(201);
    expect((await api.call('POST', `/v1/hub/deliveries/${booked.json.id}/assign`, { body: { courierId: actors.courier.id } })).status).toBe(200);
    const report = { type: 'position', position: { lat: 1e-200, lng: 4.35 } };
    const error = expectError(await api.call('POST', `/v1/courier/deliveries/${booked.json.id}/events`, { key: actors.courier.key, body: report }), 400, 'parameter_invalid');
    expect(error).toMatchObject({ param: 'position.lat', message: 'position.lat must be 0 or at least 1e-130 in absolute value: nothing closer to 0 can be stored, send 0.' });
    const delivery = await api.call('GET', `/v1/deliveries/${booked.json.id}`, { key: actors.tenantKey });
    expect(delivery.status).toBe(200);
    expect(delivery.json).toMatchObject({ status: 'assigned', lastPosition: null });
  });
});

/**
 * Hub settings are kept as JSON text, which stores any number; they follow the same rule so that
 * every number the API accepts has one, and pricing never sees a 1e-200 kg tier.
 */
describe('a hub setting with such a number', () => {
  it.each([
    ['a capacity of 1e-131 kg', '/v1/hub/capacity', { maxWeightKg: 1e-131, maxVolumeLiters: 600 }, 'maxWeightKg'],
    ['a service area position at longitude 1e-200', '/v1/hub/service-area', { type: 'Polygon', coordinates: [[[4, 45], [1e-200, 45], [5, 46], [4, 45]]] }, 'coordinates[0][1][0]'],
  ])('is a 400 naming the field: %s', async (_name, path, body, param) => {
    const error = expectError(await api.call('PUT', path, { body }), 400, 'parameter_invalid');
    expect(error.param).toBe(param);
  });

  it('in a rate card is a 400 naming the field, and the card in force stays as it was', async () => {
    const { object: _object, source: _source, tenantId: _tenantId, ...rates } = (await api.call('GET', '/v1/hub/rate-card')).json;
    const error = expectError(await api.call('PUT', '/v1/hub/rate-card', { body: { ...rates, volume: { ...rates.volume, includedLiters: 1e-200 } } }), 400, 'parameter_invalid');
    expect(error).toMatchObject({ param: 'volume.includedLiters', message: 'volume.includedLiters must be 0 or at least 0.001.' });
    expect((await api.call('GET', '/v1/hub/rate-card')).json.volume).toEqual(rates.volume);
  });
});

describe('a signed Shopify order with a latitude of 1e-200', () => {
  const secret = 'shpss_unstorable_numbers_0123456789';
  const body = readFileSync(new URL('../fixtures/shopify/orders-paid.json', import.meta.url), 'utf8')
    .replace('820982911946154508', '7001')
    .replace('"latitude": 45.4397', '"latitude": 1e-200');
  const post = (integrationId: string) =>
    api.call('POST', `/v1/inbound/${integrationId}`, {
      key: null,
      rawBody: body,
      headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body, 'utf8').digest('base64') },
    });

  it('is kept for review with its reason (the platform stops retrying), stays listable, and books once fixed', async () => {
    expect(body).toContain('"latitude": 1e-200');
    const shop = await api.call('POST', '/v1/integrations', { key: actors.tenantKey, body: { provider: 'shopify', pickup: { address: places.hotelDeVille }, defaultParcel: { weightKg: 3 }, secret } });
    expect(shop.status).toBe(201);

    const kept = await post(shop.json.id);
    expect(kept.status).toBe(202);
    expect(kept.json).toEqual({ deliveryId: null, status: 'needs_review', reason: 'invalid_order' });
    // The platform's retry gets the same answer, not a 500 it would retry forever.
    expect((await post(shop.json.id)).json).toEqual(kept.json);

    const listed = await api.call('GET', `/v1/integrations/${shop.json.id}/orders`, { key: actors.tenantKey });
    expect(listed.status).toBe(200);
    const [order] = listed.json.data;
    expect(order).toMatchObject({ id: '7001', status: 'needs_review', deliveryId: null, reason: { code: 'invalid_order', message: expect.stringContaining('shipping_address.latitude') } });
    expect(order.request.dropoff.address).not.toHaveProperty('lat');
    expect((await api.call('GET', '/v1/deliveries?limit=100', { key: actors.tenantKey })).status).toBe(200);

    const fixed = await api.call('POST', `/v1/integrations/${shop.json.id}/orders/7001/book`, {
      key: actors.tenantKey,
      body: { dropoff: { address: places.jeanJaures, contact: { name: 'Camille Martin' } } },
    });
    expect(fixed.status).toBe(201);
    expect(fixed.json).toMatchObject({ id: '7001', status: 'booked', deliveryId: expect.stringMatching(/^dlv_/) });
  });
});
