import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../shared/db/client.js';
import { quotes } from '../../shared/quotes/repository.js';
import { routes } from '../../shared/app/routes.js';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { places, quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

let api: TestApi;
let actors: Actors;
const asTenant = (options: Record<string, unknown> = {}) => ({ key: actors.tenantKey, ...options });

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
});
afterAll(() => api?.stop());

describe('quotes', () => {
  it('prices a delivery in integer cents: lines sum to net, gross = net + vat, valid 15 minutes', async () => {
    const before = Date.now();
    const response = await api.call('POST', '/v1/quotes', asTenant({ body: quoteBody() }));
    expect(response.status).toBe(201);
    const quote = response.json;
    expect(routes.createQuote.responses[201].schema.safeParse(quote).success).toBe(true);
    expect(quote.id).toMatch(/^quo_/);
    expect(quote.status).toBe('open');
    const sum = quote.lines.reduce((total: number, line: { amount: number }) => total + line.amount, 0);
    expect(sum).toBe(quote.price.net);
    expect(quote.price.gross).toBe(quote.price.net + quote.price.vat);
    expect(quote.price.currency).toBe('EUR');
    for (const amount of [quote.price.net, quote.price.vat, quote.price.gross]) expect(Number.isInteger(amount)).toBe(true);
    expect(quote.distanceMeters).toBeGreaterThan(9_000);
    const lifetime = Date.parse(quote.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(14.9 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000 + 2_000);
    expect((await api.call('GET', `/v1/quotes/${quote.id}`, asTenant())).json).toEqual(quote);
  });

  it('charges more for a longer ride and for express', async () => {
    const near = (await api.call('POST', '/v1/quotes', asTenant({ body: quoteBody({ dropoff: { ...quoteBody().dropoff, address: places.jeanJaures } }) }))).json;
    const far = (await api.call('POST', '/v1/quotes', asTenant({ body: quoteBody() }))).json;
    const express = (await api.call('POST', '/v1/quotes', asTenant({ body: quoteBody({ service: 'express' }) }))).json;
    expect(far.price.net).toBeGreaterThan(near.price.net);
    expect(express.price.net).toBeGreaterThan(far.price.net);
    expect(express.lines.map((line: { code: string }) => line.code)).toContain('express');
  });

  it.each([
    ['a missing dropoff', { pickup: quoteBody().pickup, parcels: quoteBody().parcels }, 400, 'parameter_missing', 'dropoff'],
    ['no parcels', quoteBody({ parcels: [] }), 400, 'parameter_invalid', 'parcels'],
    ['a negative weight', quoteBody({ parcels: [{ weightKg: -2 }] }), 400, 'parameter_invalid', 'parcels[0].weightKg'],
    ['an absurd weight', quoteBody({ parcels: [{ weightKg: 1e9 }] }), 400, 'parameter_invalid', 'parcels[0].weightKg'],
    ['a weight given as text', quoteBody({ parcels: [{ weightKg: '3' }] }), 400, 'parameter_invalid', 'parcels[0].weightKg'],
    ['partial dimensions', quoteBody({ parcels: [{ weightKg: 3, lengthCm: 20 }] }), 400, 'parameter_invalid', 'parcels[0]'],
    ['an invalid latitude', quoteBody({ dropoff: { ...quoteBody().dropoff, address: { ...places.firminy, lat: 123 } } }), 400, 'parameter_invalid', 'dropoff.address.lat'],
    ['a dropoff without a contact', quoteBody({ dropoff: { address: places.firminy } }), 400, 'parameter_missing', 'dropoff.contact'],
    ['a window that ends before it starts', quoteBody({ pickup: { ...quoteBody().pickup, window: { start: new Date(Date.now() + 7200e3).toISOString(), end: new Date(Date.now() + 3600e3).toISOString() } } }), 400, 'parameter_invalid', 'pickup.window.end'],
    ['a window in the past', quoteBody({ dropoff: { ...quoteBody().dropoff, window: { start: '2020-01-01T08:00:00Z', end: '2020-01-01T10:00:00Z' } } }), 400, 'parameter_invalid', 'dropoff.window.end'],
    ['an unknown service', quoteBody({ service: 'teleport' }), 400, 'parameter_invalid', 'service'],
    ['a stop outside the service area', quoteBody({ dropoff: { ...quoteBody().dropoff, address: places.lyon } }), 422, 'outside_service_area', 'dropoff.address'],
    ['more than one cargo bike carries', quoteBody({ parcels: [{ weightKg: 100 }, { weightKg: 60 }] }), 422, 'exceeds_capacity', 'parcels'],
    ['a volume beyond one load', quoteBody({ parcels: [{ weightKg: 10, lengthCm: 200, widthCm: 100, heightCm: 100 }] }), 422, 'exceeds_capacity', 'parcels'],
    ['an address without coordinates and no geocoder', quoteBody({ pickup: { address: { line1: '3 rue Michelet', postcode: '42000', city: 'Saint-Étienne' } } }), 422, 'address_not_geocoded', 'pickup.address'],
  ])('refuses %s with a precise error', async (_name, body, status, code, param) => {
    const error = expectError(await api.call('POST', '/v1/quotes', asTenant({ body })), status, code);
    expect(error.param).toBe(param);
  });

  it('are tenant business: admin and courier keys are refused, another tenant gets 404', async () => {
    expectError(await api.call('POST', '/v1/quotes', { body: quoteBody() }), 403, 'forbidden');
    expectError(await api.call('POST', '/v1/quotes', { key: actors.courier.key, body: quoteBody() }), 403, 'forbidden');
    const quote = (await api.call('POST', '/v1/quotes', asTenant({ body: quoteBody() }))).json;
    expectError(await api.call('GET', `/v1/quotes/${quote.id}`, { key: actors.otherTenantKey }), 404, 'resource_missing');
  });
});

describe('bookings', () => {
  it('books a quote at its price, with a tracking link, once', async () => {
    const quote = (await api.call('POST', '/v1/quotes', asTenant({ body: quoteBody() }))).json;
    const booked = await api.call('POST', '/v1/deliveries', asTenant({ body: { quoteId: quote.id, reference: 'CMD-1042' } }));
    expect(booked.status).toBe(201);
    const delivery = booked.json;
    expect(routes.createDelivery.responses[201].schema.safeParse(delivery).success).toBe(true);
    expect(delivery).toMatchObject({ status: 'booked', kind: 'delivery', reference: 'CMD-1042', quoteId: quote.id, price: quote.price, lines: quote.lines });
    expect(delivery.id).toMatch(/^dlv_/);
    expect(Buffer.from(delivery.tracking.token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(delivery.tracking.url).toBe(`${process.env.PUBLIC_BASE_URL}/track/${delivery.tracking.token}`);
    expect(delivery.timeline).toEqual([{ status: 'booked', at: delivery.createdAt }]);
    expect((await api.call('GET', `/v1/quotes/${quote.id}`, asTenant())).json).toMatchObject({ status: 'booked', deliveryId: delivery.id });

    const again = expectError(await api.call('POST', '/v1/deliveries', asTenant({ body: { quoteId: quote.id } })), 409, 'quote_already_used');
    expect(again.param).toBe('quoteId');
  });

  it('books a quote exactly once when ten bookings race for it', async () => {
    const quote = (await api.call('POST', '/v1/quotes', asTenant({ body: quoteBody() }))).json;
    const responses = await Promise.all(Array.from({ length: 10 }, () => api.call('POST', '/v1/deliveries', asTenant({ body: { quoteId: quote.id } }))));
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    for (const response of responses.filter((candidate) => candidate.status !== 201)) expectError(response, 409, 'quote_already_used');
  });

  it('answers 410 for an expired quote, even before DynamoDB deletes it', async () => {
    const quote = (await api.call('POST', '/v1/quotes', asTenant({ body: quoteBody() }))).json;
    await db().send(
      new PutCommand({
        TableName: api.runtime.tableName,
        Item: quotes.item({ ...quote, tenantId: actors.tenantId, expiresAtMs: Date.now() - 1000, expiresAt: new Date(Date.now() - 1000).toISOString() }),
      }),
    );
    expect((await api.call('GET', `/v1/quotes/${quote.id}`, asTenant())).json.status).toBe('expired');
    const error = expectError(await api.call('POST', '/v1/deliveries', asTenant({ body: { quoteId: quote.id } })), 410, 'quote_expired');
    expect(error.type).toBe('gone');
  });

  it('refuses an unknown quote, or another tenant\'s, with 404 on quoteId', async () => {
    const quote = (await api.call('POST', '/v1/quotes', asTenant({ body: quoteBody() }))).json;
    expect(expectError(await api.call('POST', '/v1/deliveries', { key: actors.otherTenantKey, body: { quoteId: quote.id } }), 404, 'resource_missing').param).toBe('quoteId');
    expect(expectError(await api.call('POST', '/v1/deliveries', asTenant({ body: { quoteId: 'quo_nope' } })), 404, 'resource_missing').param).toBe('quoteId');
  });

  it('prices and books in one call, as a pickup', async () => {
    const response = await api.call('POST', '/v1/deliveries', asTenant({ body: { ...quoteBody(), kind: 'pickup', reference: 'DON-7' } }));
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ kind: 'pickup', status: 'booked', quoteId: null, reference: 'DON-7' });
    expect(response.json.price.gross).toBe(response.json.price.net + response.json.price.vat);
  });

  it('answers the contract\'s validation errors for a mixed-up body', async () => {
    expect(expectError(await api.call('POST', '/v1/deliveries', asTenant({ body: { quoteId: 'quo_x', colour: 'red' } })), 400, 'unknown_parameter').param).toBe('colour');
    expect(expectError(await api.call('POST', '/v1/deliveries', asTenant({ body: { ...quoteBody(), kind: 'boat' } })), 400, 'parameter_invalid').param).toBe('kind');
  });

  it('creates one delivery when one Idempotency-Key is retried concurrently', async () => {
    const headers = { 'idempotency-key': 'order-5531' };
    const body = { ...quoteBody(), reference: 'ORDER-5531' };
    const responses = await Promise.all(Array.from({ length: 8 }, () => api.call('POST', '/v1/deliveries', asTenant({ body, headers }))));
    const ids = new Set(responses.filter((response) => response.status === 201).map((response) => response.json.id));
    expect(ids.size).toBe(1);
    const listed = (await api.call('GET', '/v1/deliveries?limit=100', asTenant())).json.data.filter((delivery: { reference: string }) => delivery.reference === 'ORDER-5531');
    expect(listed).toHaveLength(1);
  });
});

describe('price line labels, for people', () => {
  const inEnglish = { headers: { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' } };
  const labels = (body: { lines: Array<{ label: string }> }) => body.lines.map((line) => line.label);
  const facts = (body: { lines: Array<{ label: string }> }) => body.lines.map(({ label: _label, ...rest }) => rest);
  const french = ['Prise en charge', 'Distance au-delà de 3,0 km', 'Service express'];
  const english = ['Base fare', 'Distance beyond 3.0 km', 'Express service'];

  it('are French by default, English when the caller prefers it; codes, thresholds and amounts do not change', async () => {
    const body = quoteBody({ service: 'express' });
    const inFrench = (await api.call('POST', '/v1/quotes', asTenant({ body }))).json;
    const asked = (await api.call('POST', '/v1/quotes', asTenant({ body, ...inEnglish }))).json;
    expect(labels(inFrench)).toEqual(french);
    expect(labels(asked)).toEqual(english);
    expect(facts(asked)).toEqual(facts(inFrench));
    expect(facts(inFrench)).toEqual([
      { code: 'base', amount: 650 },
      { code: 'distance', amount: expect.any(Number), threshold: 3 },
      { code: 'express', amount: 500 },
    ]);
    expect(labels((await api.call('GET', `/v1/quotes/${inFrench.id}`, asTenant(inEnglish))).json)).toEqual(english);
    expect(labels((await api.call('GET', `/v1/quotes/${asked.id}`, asTenant({ headers: { 'accept-language': 'de-DE, fr;q=0.2' } }))).json)).toEqual(french);
  });

  it("of a delivery follow each reader's language, whatever language it was booked in", async () => {
    const booked = (await api.call('POST', '/v1/deliveries', asTenant({ body: { ...quoteBody({ service: 'express' }), reference: 'LANGUES-1' }, ...inEnglish }))).json;
    expect(labels(booked)).toEqual(english);
    expect((await api.call('GET', `/v1/deliveries/${booked.id}`, asTenant(inEnglish))).json).toEqual(booked);
    expect(labels((await api.call('GET', `/v1/deliveries/${booked.id}`, asTenant())).json)).toEqual(french);
    expect(labels((await api.call('GET', `/v1/deliveries/${booked.id}`)).json)).toEqual(french);
    const listed = (await api.call('GET', '/v1/deliveries?limit=100', asTenant(inEnglish))).json.data.find((delivery: { id: string }) => delivery.id === booked.id);
    expect(labels(listed)).toEqual(english);
    const assigned = (await api.call('POST', `/v1/hub/deliveries/${booked.id}/assign`, { body: { courierId: actors.courier.id }, ...inEnglish })).json;
    expect(labels(assigned)).toEqual(english);
    const cancelled = (await api.call('POST', `/v1/deliveries/${booked.id}/cancel`, asTenant({ body: {} }))).json;
    expect(cancelled.status).toBe('cancelled');
    expect(labels(cancelled)).toEqual(french);
  });
});

describe('lists', () => {
  it('filters by status, pages with cursors, newest first, and never shows another tenant\'s deliveries', async () => {
    const mine = [];
    for (let index = 0; index < 5; index += 1) mine.push((await api.call('POST', '/v1/deliveries', asTenant({ body: { ...quoteBody(), reference: `L-${index}` } }))).json);
    await api.call('POST', `/v1/deliveries/${mine[0].id}/cancel`, asTenant({ body: {} }));
    const theirs = (await api.call('POST', '/v1/deliveries', { key: actors.otherTenantKey, body: quoteBody() })).json;

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await api.call('GET', `/v1/deliveries?limit=3${cursor ? `&cursor=${cursor}` : ''}`, asTenant())).json;
      seen.push(...page.data.map((delivery: { id: string }) => delivery.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).not.toContain(theirs.id);
    expect([...seen].sort().reverse()).toEqual(seen);
    for (const delivery of mine) expect(seen).toContain(delivery.id);

    const cancelled = (await api.call('GET', '/v1/deliveries?status=cancelled', asTenant())).json.data;
    expect(cancelled.map((delivery: { id: string }) => delivery.id)).toContain(mine[0].id);
    expect(cancelled.every((delivery: { status: string }) => delivery.status === 'cancelled')).toBe(true);

    expectError(await api.call('GET', `/v1/deliveries/${theirs.id}`, asTenant()), 404, 'resource_missing');
    expect((await api.call('GET', `/v1/deliveries/${theirs.id}`)).status).toBe(200);
    const hubQueue = (await api.call('GET', '/v1/deliveries?status=booked&limit=100')).json.data.map((delivery: { id: string }) => delivery.id);
    expect(hubQueue).toEqual(expect.arrayContaining([theirs.id, mine[1].id]));
    expect((await api.call('GET', `/v1/deliveries?tenantId=${actors.otherTenantId}`)).json.data.map((delivery: { id: string }) => delivery.id)).toEqual([theirs.id]);
    expectError(await api.call('GET', '/v1/deliveries'), 400, 'parameter_missing');
    expectError(await api.call('GET', `/v1/deliveries?tenantId=${actors.otherTenantId}`, asTenant()), 400, 'parameter_invalid');
  });
});

describe('listing deliveries by booking day', () => {
  it('keeps to the Paris days asked, with cursors that stay within them', async () => {
    const api2 = api;
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date());
    const yesterday = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() - 86_400_000));
    const booked = await api2.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: quoteBody({ reference: 'by-day' }) });
    expect(booked.status).toBe(201);
    const todays = await api2.call('GET', `/v1/deliveries?from=${today}&to=${today}&limit=100`, { key: actors.tenantKey });
    expect(todays.json.data.map((entry: { id: string }) => entry.id)).toContain(booked.json.id);
    const before = await api2.call('GET', `/v1/deliveries?to=${yesterday}&limit=100`, { key: actors.tenantKey });
    expect(before.json.data.map((entry: { id: string }) => entry.id)).not.toContain(booked.json.id);
    expectError(await api2.call('GET', `/v1/deliveries?from=${today}&to=${yesterday}`, { key: actors.tenantKey }), 400, 'parameter_invalid');
    expectError(await api2.call('GET', '/v1/deliveries?from=2026-13-01', { key: actors.tenantKey }), 400, 'parameter_invalid');
    const page = await api2.call('GET', `/v1/deliveries?from=${today}&limit=1`, { key: actors.tenantKey });
    if (page.json.nextCursor) {
      const next = await api2.call('GET', `/v1/deliveries?from=${today}&limit=1&cursor=${page.json.nextCursor}`, { key: actors.tenantKey });
      expect(next.status).toBe(200);
    }
  });
});
