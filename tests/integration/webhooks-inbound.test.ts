import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { places, setUpActors, type Actors } from '../helpers/scenario.js';

let api: TestApi;
let actors: Actors;
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
});
afterAll(() => api?.stop());

async function integration(provider: 'shopify' | 'woocommerce' | 'generic', extra: Record<string, unknown> = {}) {
  const response = await api.call('POST', '/v1/integrations', {
    key: actors.tenantKey,
    body: { provider, pickup: { address: places.hotelDeVille, contact: { name: 'Épicerie' } }, defaultParcel: { weightKg: 3 }, ...extra },
  });
  if (response.status !== 201) throw new Error(response.text);
  return response.json as { id: string; url: string; secret: string };
}

const post = (id: string, body: string, headers: Record<string, string>) => api.call('POST', `/v1/inbound/${id}`, { key: null, rawBody: body, headers: { 'content-type': 'application/json', ...headers } });
const orders = async (id: string) => (await api.call('GET', `/v1/integrations/${id}/orders?limit=100`, { key: actors.tenantKey })).json.data;

describe('integrations', () => {
  it('are created with their URL and a secret shown once, listed without it, and deleted', async () => {
    const created = await integration('woocommerce');
    expect(created).toMatchObject({ id: expect.stringMatching(/^int_/), provider: 'woocommerce', url: `${process.env.PUBLIC_BASE_URL}/v1/inbound/${created.id}` });
    expect(created.secret.length).toBeGreaterThanOrEqual(32);
    const listed = (await api.call('GET', '/v1/integrations', { key: actors.tenantKey })).json.data;
    expect(listed.map((entry: { id: string }) => entry.id)).toContain(created.id);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expectError(await api.call('DELETE', `/v1/integrations/${created.id}`, { key: actors.otherTenantKey }), 404, 'resource_missing');
    expect((await api.call('DELETE', `/v1/integrations/${created.id}`, { key: actors.tenantKey })).json.deleted).toBe(true);
    const body = fixture('woocommerce/order-processing.json');
    expectError(await post(created.id, body, { 'x-wc-webhook-signature': sign(created.secret, body) }), 404, 'resource_missing');
  });

  it('take the secret Shopify generates, and want whsec_ secrets for the generic provider', async () => {
    const shopify = await integration('shopify', { secret: 'shpss_0123456789abcdef0123456789abcdef' });
    expect(shopify.secret).toBe('shpss_0123456789abcdef0123456789abcdef');
    expect((await integration('generic')).secret).toMatch(/^whsec_/);
    expect(expectError(await api.call('POST', '/v1/integrations', { key: actors.tenantKey, body: { provider: 'generic', pickup: { address: places.hotelDeVille }, secret: 'plain-secret-0123456789' } }), 400, 'parameter_invalid').param).toBe('secret');
  });
});

describe('an integration without a pickup of its own', () => {
  it("books each order from the tenant's default pickup in force when the order arrives", async () => {
    const created = await api.call('POST', '/v1/integrations', { key: actors.tenantKey, body: { provider: 'shopify', secret: 'shpss_no_pickup_secret_0123456789', defaultParcel: { weightKg: 2 } } });
    expect(created.status).toBe(201);
    expect(created.json.pickup).toBeNull();
    const saved = await api.call('PUT', `/v1/tenants/${actors.tenantId}/default-pickup`, { key: actors.tenantKey, body: { address: places.jeanJaures, contact: { name: 'Atelier' } } });
    expect(saved.status).toBe(200);
    const body = fixture('shopify/orders-paid.json').replace('"id": 820982911946154508', '"id": 820982911946155321');
    const answer = await post(created.json.id, body, { 'x-shopify-hmac-sha256': sign('shpss_no_pickup_secret_0123456789', body), 'x-shopify-topic': 'orders/paid' });
    expect(answer.status).toBe(202);
    const delivery = await api.call('GET', `/v1/deliveries/${answer.json.deliveryId}`, { key: actors.tenantKey });
    expect(delivery.json.pickup.address.line1).toBe(places.jeanJaures.line1);
    expect(delivery.json.pickup.contact.name).toBe('Atelier');
  });
});

describe('Shopify orders', () => {
  it('books a paid order once, keeps every digit of its id, and answers retries and other topics with the same delivery', async () => {
    const shop = await integration('shopify', { secret: 'shpss_test_secret_for_signatures' });
    const body = fixture('shopify/orders-paid.json');
    const headers = { 'x-shopify-hmac-sha256': sign('shpss_test_secret_for_signatures', body), 'x-shopify-topic': 'orders/paid' };
    const first = await post(shop.id, body, headers);
    expect(first.status).toBe(202);
    expect(first.json.deliveryId).toMatch(/^dlv_/);
    const again = await post(shop.id, body, headers);
    const otherTopic = await post(shop.id, body, { ...headers, 'x-shopify-topic': 'orders/updated' });
    expect(again.json.deliveryId).toBe(first.json.deliveryId);
    expect(otherTopic.json.deliveryId).toBe(first.json.deliveryId);

    const [order] = await orders(shop.id);
    expect(order).toMatchObject({ id: '820982911946154508', status: 'booked', deliveryId: first.json.deliveryId });
    const delivery = (await api.call('GET', `/v1/deliveries/${first.json.deliveryId}`, { key: actors.tenantKey })).json;
    expect(delivery).toMatchObject({
      reference: 'shopify:820982911946154508',
      dropoff: { address: { line1: '12 rue de la République', line2: 'Bâtiment B', postcode: '42000', city: 'Saint-Étienne', lat: 45.4397, lng: 4.3872 }, contact: { name: 'Camille Martin', phone: '+33 6 12 34 56 78', email: 'jon@example.com' } },
      parcels: [{ weightKg: 4.2 }],
      pickup: { address: { city: 'Saint-Étienne' } },
    });
    const mine = (await api.call('GET', '/v1/deliveries?limit=100', { key: actors.tenantKey })).json.data.filter((entry: { reference: string }) => entry.reference === 'shopify:820982911946154508');
    expect(mine).toHaveLength(1);
  });

  it('creates one delivery when two posts of one order race', async () => {
    const shop = await integration('shopify', { secret: 'shpss_race_secret_0123456789' });
    const body = fixture('shopify/orders-paid.json').replace('820982911946154508', '820982911946154999');
    const headers = { 'x-shopify-hmac-sha256': sign('shpss_race_secret_0123456789', body) };
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(shop.id, body, headers)));
    const ids = new Set(answers.map((answer) => answer.json.deliveryId));
    expect(answers.every((answer) => answer.status === 202)).toBe(true);
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^dlv_/);
    const mine = (await api.call('GET', '/v1/deliveries?limit=100', { key: actors.tenantKey })).json.data.filter((entry: { reference: string }) => entry.reference === 'shopify:820982911946154999');
    expect(mine).toHaveLength(1);
  });

  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    const shop = await integration('shopify', { secret: 'shpss_another_secret_0123456' });
    const body = fixture('shopify/orders-paid.json');
    expectError(await post(shop.id, body, {}), 401, 'invalid_signature');
    expectError(await post(shop.id, body, { 'x-shopify-hmac-sha256': sign('not-the-secret-at-all', body) }), 401, 'invalid_signature');
    // The signature is over the exact bytes: one more space breaks it.
    expectError(await post(shop.id, `${body} `, { 'x-shopify-hmac-sha256': sign('shpss_another_secret_0123456', body) }), 401, 'invalid_signature');
    expectError(await post(shop.id, body, { 'x-shopify-hmac-sha256': 'not base64 at all!!' }), 401, 'invalid_signature');
    expect(await orders(shop.id)).toEqual([]);
  });

  it('waits for payment, then books when the paid notification comes', async () => {
    const shop = await integration('shopify', { secret: 'shpss_pending_secret_01234567' });
    const paid = fixture('shopify/orders-paid.json').replace('820982911946154508', '5001');
    const pending = paid.replace('"financial_status": "paid"', '"financial_status": "pending"');
    const waiting = await post(shop.id, pending, { 'x-shopify-hmac-sha256': sign('shpss_pending_secret_01234567', pending) });
    expect(waiting.json).toEqual({ deliveryId: null, status: 'awaiting_payment', reason: 'awaiting_payment' });
    const booked = await post(shop.id, paid, { 'x-shopify-hmac-sha256': sign('shpss_pending_secret_01234567', paid) });
    expect(booked.json.deliveryId).toMatch(/^dlv_/);
    expect((await orders(shop.id))[0]).toMatchObject({ id: '5001', status: 'booked' });
  });

  it('keeps an order it cannot deliver with its reason, and books it once fixed', async () => {
    const shop = await integration('shopify', { secret: 'shpss_review_secret_0123456789' });
    const lyon = fixture('shopify/orders-paid.json')
      .replace('820982911946154508', '6001')
      .replace('"latitude": 45.4397', '"latitude": 45.7578')
      .replace('"longitude": 4.3872', '"longitude": 4.832')
      .replace('"zip": "42000"', '"zip": "69002"');
    const kept = await post(shop.id, lyon, { 'x-shopify-hmac-sha256': sign('shpss_review_secret_0123456789', lyon) });
    expect(kept.json).toEqual({ deliveryId: null, status: 'needs_review', reason: 'outside_service_area' });
    const noAddress = JSON.stringify({ ...JSON.parse(fixture('shopify/orders-paid.json').replace('820982911946154508', '6002')), shipping_address: null });
    expect((await post(shop.id, noAddress, { 'x-shopify-hmac-sha256': sign('shpss_review_secret_0123456789', noAddress) })).json.reason).toBe('no_shipping_address');

    const listed = await orders(shop.id);
    expect(listed.find((order: { id: string }) => order.id === '6001')).toMatchObject({ status: 'needs_review', reason: { code: 'outside_service_area' }, deliveryId: null });

    const fixed = await api.call('POST', `/v1/integrations/${shop.id}/orders/6001/book`, {
      key: actors.tenantKey,
      body: { dropoff: { address: places.firminy, contact: { name: 'Camille Martin' } } },
    });
    expect(fixed.status).toBe(201);
    expect(fixed.json).toMatchObject({ id: '6001', status: 'booked', deliveryId: expect.stringMatching(/^dlv_/) });
    expectError(await api.call('POST', `/v1/integrations/${shop.id}/orders/6001/book`, { key: actors.tenantKey, body: {} }), 409, 'invalid_transition');
    // The platform retrying the original order now lands on the booked delivery.
    expect((await post(shop.id, lyon, { 'x-shopify-hmac-sha256': sign('shpss_review_secret_0123456789', lyon) })).json.deliveryId).toBe(fixed.json.deliveryId);
  });
});

describe('WooCommerce orders', () => {
  it('answers the activation ping with 200, books a processing order with the default parcel', async () => {
    const woo = await integration('woocommerce');
    const ping = await api.call('POST', `/v1/inbound/${woo.id}`, { key: null, rawBody: 'webhook_id=15', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(ping.status).toBe(200);
    const body = fixture('woocommerce/order-processing.json');
    const headers = { 'x-wc-webhook-signature': sign(woo.secret, body), 'x-wc-webhook-topic': 'order.created' };
    const kept = await post(woo.id, body, headers);
    // No coordinates and no geocoder configured: kept for review, not dropped.
    expect(kept.json).toEqual({ deliveryId: null, status: 'needs_review', reason: 'address_not_geocoded' });
    const [order] = await orders(woo.id);
    expect(order).toMatchObject({ id: '727', request: { dropoff: { address: { line1: '5 place Jean Jaurès', postcode: '42000' }, contact: { name: 'Louis Bernard', email: 'louis.bernard@example.org', phone: '+33 7 98 76 54 32' } }, parcels: [{ weightKg: 3 }] } });
    const fixed = await api.call('POST', `/v1/integrations/${woo.id}/orders/727/book`, {
      key: actors.tenantKey,
      body: { dropoff: { address: { ...places.jeanJaures, line2: '3e étage' }, contact: { name: 'Louis Bernard', email: 'louis.bernard@example.org' } } },
    });
    expect(fixed.status).toBe(201);
    expect((await post(woo.id, body, headers)).json.deliveryId).toBe(fixed.json.deliveryId);
  });

  it('merges a fix into the order\'s drop-off: an address replaces the address, the contact keeps what the fix does not change', async () => {
    const woo = await integration('woocommerce');
    const send = async (id: number) => {
      const body = fixture('woocommerce/order-processing.json').replace('"id": 727', `"id": ${id}`);
      return post(woo.id, body, { 'x-wc-webhook-signature': sign(woo.secret, body) });
    };
    const booked = async (fixed: { json: { deliveryId: string } }) => (await api.call('GET', `/v1/deliveries/${fixed.json.deliveryId}`, { key: actors.tenantKey })).json;
    const louis = { name: 'Louis Bernard', email: 'louis.bernard@example.org', phone: '+33 7 98 76 54 32' };

    // Only the address: the recipient's phone and e-mail stay.
    expect((await send(1727)).json.reason).toBe('address_not_geocoded');
    const located = await api.call('POST', `/v1/integrations/${woo.id}/orders/1727/book`, { key: actors.tenantKey, body: { dropoff: { address: places.jeanJaures } } });
    expect(located.status).toBe(201);
    expect((await booked(located)).dropoff).toEqual({ address: { ...places.jeanJaures, country: 'FR' }, contact: louis });

    // A contact field replaces that field only.
    expect((await send(2727)).json.reason).toBe('address_not_geocoded');
    const rephoned = await api.call('POST', `/v1/integrations/${woo.id}/orders/2727/book`, {
      key: actors.tenantKey,
      body: { dropoff: { address: places.jeanJaures, contact: { phone: '+33 6 00 00 00 01' } } },
    });
    expect((await booked(rephoned)).dropoff.contact).toEqual({ ...louis, phone: '+33 6 00 00 00 01' });

    // A fix that still cannot be booked names the field, and is kept for the next try.
    expect((await send(3727)).json.reason).toBe('address_not_geocoded');
    const stillUnlocated = expectError(await api.call('POST', `/v1/integrations/${woo.id}/orders/3727/book`, { key: actors.tenantKey, body: { dropoff: { contact: { phone: '+33 6 00 00 00 02' } } } }), 422, 'address_not_geocoded');
    expect(stillUnlocated.param).toBe('dropoff.address');
    const kept = (await orders(woo.id)).find((order: { id: string }) => order.id === '3727');
    expect(kept.request.dropoff.contact).toEqual({ ...louis, phone: '+33 6 00 00 00 02' });
    expect(expectError(await api.call('POST', `/v1/integrations/${woo.id}/orders/3727/book`, { key: actors.tenantKey, body: { dropoff: { contact: { phone: 'call me' } } } }), 400, 'parameter_invalid').param).toBe('dropoff.contact.phone');
  });

  it('rotates the secret without downtime: old and new both work during the grace period', async () => {
    const woo = await integration('woocommerce');
    const body = fixture('woocommerce/order-processing.json').replace('"id": 727', '"id": 801').replace('"status": "processing"', '"status": "on-hold"');
    const rotated = await api.call('POST', `/v1/integrations/${woo.id}/rotate-secret`, { key: actors.tenantKey, body: { gracePeriodHours: 1 } });
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).not.toBe(woo.secret);
    expect((await post(woo.id, body, { 'x-wc-webhook-signature': sign(woo.secret, body) })).status).toBe(202);
    expect((await post(woo.id, body, { 'x-wc-webhook-signature': sign(rotated.json.secret, body) })).status).toBe(202);
    const immediate = await api.call('POST', `/v1/integrations/${woo.id}/rotate-secret`, { key: actors.tenantKey, body: { gracePeriodHours: 0 } });
    expectError(await post(woo.id, body, { 'x-wc-webhook-signature': sign(rotated.json.secret, body) }), 401, 'invalid_signature');
    expect((await post(woo.id, body, { 'x-wc-webhook-signature': sign(immediate.json.secret, body) })).json.status).toBe('awaiting_payment');
  });
});

describe('generic orders (Standard Webhooks)', () => {
  it('books an order in the contract\'s own shapes, and refuses stale or forged signatures', async () => {
    const generic = await integration('generic');
    const body = JSON.stringify({ orderId: 'A-1001', dropoff: { address: places.firminy, contact: { name: 'Dominique', email: 'd@example.org' } }, parcels: [{ weightKg: 7.5 }] });
    const signer = new Webhook(generic.secret);
    const fresh = new Date();
    const headers = { 'webhook-id': 'evt_shop_1', 'webhook-timestamp': String(Math.floor(fresh.getTime() / 1000)), 'webhook-signature': signer.sign('evt_shop_1', fresh, body) };
    const booked = await post(generic.id, body, headers);
    expect(booked.status).toBe(202);
    expect(booked.json.deliveryId).toMatch(/^dlv_/);
    expect((await api.call('GET', `/v1/deliveries/${booked.json.deliveryId}`, { key: actors.tenantKey })).json.parcels).toEqual([{ weightKg: 7.5 }]);

    const old = new Date(Date.now() - 3600_000);
    expectError(await post(generic.id, body, { 'webhook-id': 'evt_shop_1', 'webhook-timestamp': String(Math.floor(old.getTime() / 1000)), 'webhook-signature': signer.sign('evt_shop_1', old, body) }), 401, 'invalid_signature');
    expectError(await post(generic.id, body, { ...headers, 'webhook-signature': new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').sign('evt_shop_1', fresh, body) }), 401, 'invalid_signature');

    const bad = JSON.stringify({ orderId: 'A-1002', dropoff: { address: { line1: 'x' }, contact: { name: 'D' } } });
    const kept = await post(generic.id, bad, { 'webhook-id': 'evt_shop_2', 'webhook-timestamp': String(Math.floor(fresh.getTime() / 1000)), 'webhook-signature': signer.sign('evt_shop_2', fresh, bad) });
    expect(kept.json).toMatchObject({ deliveryId: null, status: 'needs_review', reason: 'invalid_order' });
  });
});
