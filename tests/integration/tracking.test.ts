import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handler as getTrackingHandler } from '../../functions/tracking/get-tracking.js';
import { config } from '../../shared/config.js';
import { newTrackingToken } from '../../shared/deliveries/booking.js';
import { deliveries } from '../../shared/deliveries/repository.js';
import { db } from '../../shared/db/client.js';
import { estimateRideSeconds, GreatCircleRouter } from '../../shared/geo/router.js';
import { routes } from '../../shared/app/routes.js';
import { setNotifier } from '../../shared/notifications/adapters.js';
import type { Notifier } from '../../shared/notifications/notifier.js';
import { TableOutboxNotifier } from '../../shared/notifications/outbox-notifier.js';
import { expectError, startTestApi, type ApiResponse, type TestApi } from '../helpers/runtime.js';
import { places, quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

let api: TestApi;
let actors: Actors;
let bus: EventBridgeClient;

/** Sets environment variables for one test; `restoreEnv` (afterEach) puts the old values back. */
const savedEnv = new Map<string, string | undefined>();
function setEnv(values: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(values)) {
    if (!savedEnv.has(name)) savedEnv.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
function restoreEnv() {
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  savedEnv.clear();
}

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
  bus = new EventBridgeClient({});
});
// Every call of this file comes from 127.0.0.1: the per-address limit would get in the way of the
// tests that are not about it. The rate-limit tests set their own.
const generousLimits = { TRACKING_RATE_LIMIT_PER_IP: '100000', TRACKING_RATE_LIMIT_PER_TOKEN: '100000' };
afterEach(() => {
  restoreEnv();
  setNotifier(undefined);
});
afterAll(async () => {
  bus?.destroy();
  await api?.stop();
});

const book = async (body: Record<string, unknown> = quoteBody()) => {
  const response = await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: { reference: 'CMD-7781', ...body } });
  if (response.status !== 201) throw new Error(response.text);
  return response.json;
};
const courierEvent = async (id: string, body: Record<string, unknown>) => {
  const response = await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: actors.courier.key, body });
  if (response.status !== 200) throw new Error(response.text);
  return response.json;
};
const assign = async (id: string) => {
  const response = await api.call('POST', `/v1/hub/deliveries/${id}/assign`, { body: { courierId: actors.courier.id } });
  if (response.status !== 200) throw new Error(response.text);
  return response.json;
};
/** Rate limits count in fixed one-minute windows: start a burst of calls well inside one. */
async function awayFromWindowEdge() {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 5_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
const trackJson = (token: string, headers: Record<string, string> = {}) => api.call('GET', `/v1/track/${token}`, { key: null, headers });
const trackPage = (token: string, query = '', headers: Record<string, string> = {}) => api.call('GET', `/track/${token}${query}`, { key: null, headers });

/** Everything private a delivery holds: no tracking response may contain any of it. */
function privateNeedles(delivery: any, courierPositions: Array<{ lat: number; lng: number }>) {
  const text = [
    delivery.dropoff.contact.name,
    'Camille',
    'Martin',
    delivery.dropoff.contact.phone,
    '12 34 56 78',
    '0612345678',
    '+33',
    delivery.dropoff.contact.email,
    'camille@',
    delivery.dropoff.address.line1,
    'Breuil',
    delivery.pickup.address.line1,
    delivery.pickup.contact.name,
    'Le Panier',
    'Panier',
    'CMD-7781',
    delivery.id,
    delivery.tenantId,
    actors.courier.id,
    'Alex',
    'gardien',
  ];
  const euros = (cents: number) => [`${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, '0')}`, `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`];
  const amounts: number[] = [delivery.price.net, delivery.price.vat, delivery.price.gross, ...delivery.lines.map((line: { amount: number }) => line.amount)].filter((amount) => amount > 0);
  const coordinates = [delivery.dropoff.address, delivery.pickup.address, ...courierPositions].flatMap((point) => [point.lat, point.lng]);
  const numbers = [...amounts.map(String), ...amounts.flatMap(euros), ...coordinates.map(String), ...coordinates.map((value) => String(value).replace('.', ','))];
  return { text, numbers };
}

/** Fails if a response body holds any private value. Times (`datetime="…"`, ISO strings) are set aside for the number search. */
function expectNothingPrivate(response: ApiResponse, needles: ReturnType<typeof privateNeedles>) {
  for (const needle of needles.text) expect(response.text, `${needle} in ${response.text}`).not.toContain(needle);
  const withoutInstants = response.text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '<instant>');
  for (const needle of needles.numbers) {
    expect(new RegExp(`(?<![\\d.])${needle.replace(/[.]/g, '\\.')}(?!\\d)`).test(withoutInstants), `${needle} in ${response.text}`).toBe(false);
  }
  if (response.headers.get('content-type')?.startsWith('application/json')) {
    // The view has no number at all: no price, no coordinate can hide in it.
    const numbersIn = (value: unknown): number[] =>
      typeof value === 'number' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(numbersIn) : [];
    expect(numbersIn(response.json)).toEqual([]);
  }
}

function expectPageHeaders(response: ApiResponse, language: 'fr' | 'en') {
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/);
  expect(response.text).toContain(`<html lang="${language}">`);
}

/** JSON and HTML, French and English (by `?lang` and by `Accept-Language`), all checked for private data. */
async function trackEverywhere(token: string, needles: ReturnType<typeof privateNeedles>) {
  const json = await trackJson(token);
  expect(json.status, json.text).toBe(200);
  expect(json.headers.get('cache-control')).toBe('no-store');
  expect(routes.getTracking.responses[200].schema.safeParse(json.json).success).toBe(true);
  const fr = await trackPage(token);
  const en = await trackPage(token, '?lang=en');
  const enByHeader = await trackPage(token, '', { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' });
  const frWins = await trackPage(token, '?lang=fr', { 'accept-language': 'en' });
  for (const [response, language] of [[fr, 'fr'], [en, 'en'], [enByHeader, 'en'], [frWins, 'fr']] as const) {
    expect(response.status).toBe(200);
    expectPageHeaders(response, language);
    expectNothingPrivate(response, needles);
    expect(Buffer.byteLength(response.text)).toBeLessThan(30 * 1024);
  }
  expectNothingPrivate(json, needles);
  expect(en.text).toBe(enByHeader.text);
  return { json: json.json, fr: fr.text, en: en.text };
}

describe('a delivery tracked through all its states, in JSON and HTML, French and English', () => {
  it('shows status, timeline, ETA while under way and the drop-off city, and nothing private', async () => {
    setEnv(generousLimits);
    const delivery = await book();
    const token = delivery.tracking.token as string;
    expect(delivery.tracking.url).toBe(`${process.env.PUBLIC_BASE_URL}/track/${token}`);
    const positions = [
      { lat: 45.4352, lng: 4.3741 },
      { lat: 45.4213, lng: 4.3517 },
    ];
    const needles = privateNeedles(delivery, positions);

    // Booked: no ETA yet.
    let seen = await trackEverywhere(token, needles);
    expect(seen.json).toEqual({
      object: 'tracking',
      kind: 'delivery',
      status: 'booked',
      events: [{ status: 'booked', at: delivery.createdAt }],
      dropoff: { city: 'Firminy' },
      hub: { name: config.hubName },
    });
    expect(seen.fr).toContain('Livraison réservée');
    expect(seen.fr).toContain('Coopérative des coursiers à vélo de Saint-Étienne');
    expect(seen.fr).toContain('<p>Firminy</p>');
    expect(seen.fr).not.toContain('Arrivée estimée');
    expect(seen.en).toContain('Delivery booked');

    // Assigned, no position yet: an ETA from the pickup.
    await assign(delivery.id);
    seen = await trackEverywhere(token, needles);
    expect(seen.json.status).toBe('assigned');
    expect(seen.json.eta).toMatchObject({ basis: 'pickup' });
    expect(seen.fr).toContain('Coursier attribué');
    expect(seen.fr).toContain('Arrivée estimée');
    expect(seen.en).toContain('Estimated arrival');

    // Assigned, the courier on its way to the pickup: from its position.
    await courierEvent(delivery.id, { type: 'position', position: positions[0] });
    seen = await trackEverywhere(token, needles);
    expect(seen.json.eta.basis).toBe('courier_position');

    // Picked up, then a position on the way: the ETA rides from there to the drop-off.
    await courierEvent(delivery.id, { type: 'picked_up' });
    await courierEvent(delivery.id, { type: 'position', position: positions[1] });
    const before = Date.now();
    seen = await trackEverywhere(token, needles);
    const after = Date.now();
    expect(seen.json.status).toBe('picked_up');
    const ride = estimateRideSeconds(await new GreatCircleRouter().distanceMeters(positions[1]!, places.firminy)) * 1000;
    const [earliest, latest] = [Date.parse(seen.json.eta.earliest), Date.parse(seen.json.eta.latest)];
    expect(earliest % 300_000).toBe(0);
    expect(latest % 300_000).toBe(0);
    expect(earliest).toBeLessThanOrEqual(after + ride);
    expect(earliest).toBeGreaterThan(before + ride - 300_000);
    expect(latest - (before + ride)).toBeGreaterThanOrEqual(15 * 60_000);
    expect(seen.fr).toContain('En route vers vous');
    expect(seen.fr).toMatch(/entre <time datetime="[^"]+">\d\d:\d\d<\/time> et <time datetime="[^"]+">\d\d:\d\d<\/time>/);
    expect(seen.en).toContain('On its way to you');
    expect(seen.en).toMatch(/between <time datetime="[^"]+">\d\d:\d\d<\/time> and/);

    // Delivered: no ETA any more, the whole timeline.
    await courierEvent(delivery.id, { type: 'delivered', proof: { recipientName: 'C. Martin', note: 'Laissé au gardien' } });
    seen = await trackEverywhere(token, needles);
    expect(seen.json.status).toBe('delivered');
    expect(seen.json.eta).toBeUndefined();
    expect(seen.json.events.map((event: { status: string }) => event.status)).toEqual(['booked', 'assigned', 'picked_up', 'delivered']);
    expect(seen.fr).toContain('Livrée');
    expect(seen.fr.match(/<li class="done"/g)).toHaveLength(4);
    expect(seen.en).toContain('Delivered');
    console.info(`tracking page, full timeline: ${Buffer.byteLength(seen.fr)} bytes (fr), ${Buffer.byteLength(seen.en)} bytes (en)`);
  });

  it('tracks a pickup and a failure too', async () => {
    setEnv(generousLimits);
    const pickup = await book({ ...quoteBody(), kind: 'pickup' });
    await assign(pickup.id);
    await courierEvent(pickup.id, { type: 'failed', reason: 'Personne au 2 place du Breuil' });
    const seen = await trackEverywhere(pickup.tracking.token, privateNeedles(pickup, []));
    expect(seen.json).toMatchObject({ kind: 'pickup', status: 'failed' });
    expect(seen.json.eta).toBeUndefined();
    expect(seen.fr).toContain('Collecte impossible');
    expect(seen.en).toContain('Pickup failed');
  });
});

describe('links that show nothing all answer the same 404', () => {
  const bodyWithoutRequestId = (response: ApiResponse) => ({ ...response.json, error: { ...response.json.error, requestId: undefined } });

  it('unknown, malformed and expired tokens: one JSON error, one HTML page', async () => {
    setEnv(generousLimits);
    const delivered = await book();
    await assign(delivered.id);
    await courierEvent(delivered.id, { type: 'picked_up' });
    await courierEvent(delivered.id, { type: 'delivered' });
    expect((await trackJson(delivered.tracking.token)).status).toBe(200);

    const unknown = newTrackingToken();
    const garbage = ['abc', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'x'.repeat(600), `${delivered.tracking.token}x`, delivered.tracking.token.slice(0, 31), '..%2F..%2Fetc'];
    const reference = await trackJson(unknown);
    expectError(reference, 404, 'resource_missing');
    const referencePage = await trackPage(unknown);
    expect(referencePage.status).toBe(404);
    expectPageHeaders(referencePage, 'fr');
    expect(referencePage.text).toContain('Lien de suivi introuvable');
    expect(referencePage.text).toContain('30 jours');
    const referencePageEn = await trackPage(unknown, '?lang=en');
    expect(referencePageEn.status).toBe(404);
    expect(referencePageEn.text).toContain('Tracking link not found');

    for (const token of garbage) {
      const json = await trackJson(token);
      expectError(json, 404, 'resource_missing');
      expect(bodyWithoutRequestId(json), token).toEqual(bodyWithoutRequestId(reference));
      const page = await trackPage(token);
      expect(page.status, token).toBe(404);
      expect(page.text, token).toBe(referencePage.text);
    }

    // Expired: retention 0 ends the link as the delivery ends.
    setEnv({ TRACKING_RETENTION_DAYS: '0' });
    const expiredJson = await trackJson(delivered.tracking.token);
    expect(bodyWithoutRequestId(expiredJson)).toEqual(bodyWithoutRequestId(reference));
    const expiredPage = await trackPage(delivered.tracking.token);
    expect(expiredPage.status).toBe(404);
    expect(expiredPage.text).toBe((await trackPage(unknown)).text);
  });

  it('ends a link 30 days (the default) after the delivery ended', async () => {
    setEnv(generousLimits);
    const delivery = await book();
    await assign(delivery.id);
    await courierEvent(delivery.id, { type: 'picked_up' });
    const done = await courierEvent(delivery.id, { type: 'delivered' });
    const endedDaysAgo = async (days: number) => {
      const base = Date.now() - days * 86_400_000;
      const timeline = done.timeline.map((entry: { status: string }, index: number) => ({ ...entry, at: new Date(base - (3 - index) * 600_000).toISOString() }));
      await db().send(
        new UpdateCommand({ TableName: config.tableName, Key: deliveries.key({ tenantId: delivery.tenantId, id: delivery.id }), UpdateExpression: 'SET timeline = :timeline', ExpressionAttributeValues: { ':timeline': timeline } }),
      );
    };
    await endedDaysAgo(29);
    expect((await trackJson(delivery.tracking.token)).status).toBe(200);
    expect((await trackPage(delivery.tracking.token)).status).toBe(200);
    await endedDaysAgo(31);
    expectError(await trackJson(delivery.tracking.token), 404, 'resource_missing');
    expect((await trackPage(delivery.tracking.token)).status).toBe(404);
  });
});

describe('rate limits on the public tracking endpoints', () => {
  it('answers 429 too_many_requests with Retry-After past the per-link limit, JSON and HTML alike', async () => {
    setEnv({ TRACKING_RATE_LIMIT_PER_TOKEN: '3', TRACKING_RATE_LIMIT_PER_IP: '100000' });
    const delivery = await book();
    const token = delivery.tracking.token;
    await awayFromWindowEdge();
    // Both endpoints count against the link.
    expect((await trackJson(token)).status).toBe(200);
    expect((await trackPage(token)).status).toBe(200);
    expect((await trackJson(token)).status).toBe(200);
    for (const response of [await trackJson(token), await trackPage(token, '?lang=en')]) {
      const error = expectError(response, 429, 'too_many_requests');
      expect(error.type).toBe('rate_limited');
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    // Another link is not limited by this one.
    expect((await trackPage(newTrackingToken())).status).toBe(404);
  });

  it('limits per client address, whatever the link', async () => {
    const invoke = (token: string, sourceIp: string) =>
      getTrackingHandler(
        {
          version: '2.0',
          routeKey: 'GET /v1/track/{token}',
          rawPath: `/v1/track/${token}`,
          rawQueryString: '',
          headers: {},
          pathParameters: { token },
          requestContext: { http: { method: 'GET', path: `/v1/track/${token}`, protocol: 'HTTP/1.1', sourceIp, userAgent: 'test' }, requestId: `req-${Math.random()}`, routeKey: 'GET /v1/track/{token}', stage: '$default', time: '', timeEpoch: 0, accountId: '0', apiId: 'local', domainName: 'local', domainPrefix: 'local' },
          isBase64Encoded: false,
        } as APIGatewayProxyEventV2,
        { awsRequestId: 'test' } as Context,
      );
    setEnv({ TRACKING_RATE_LIMIT_PER_IP: '2', TRACKING_RATE_LIMIT_PER_TOKEN: '100000' });
    await awayFromWindowEdge();
    // Three different links from one address: the third is refused; another address is not.
    expect((await invoke(newTrackingToken(), '198.51.100.7')).statusCode).toBe(404);
    expect((await invoke(newTrackingToken(), '198.51.100.7')).statusCode).toBe(404);
    const refused = await invoke(newTrackingToken(), '198.51.100.7');
    expect(refused.statusCode).toBe(429);
    expect(JSON.parse(refused.body).error).toMatchObject({ type: 'rate_limited', code: 'too_many_requests' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await invoke(newTrackingToken(), '203.0.113.9')).statusCode).toBe(404);
  });
});

describe('e-mails to the recipient', () => {
  const outbox = async (tenantId: string) => {
    const response = await api.call('GET', `/v1/hub/notifications?tenantId=${tenantId}&limit=100`);
    expect(response.status, response.text).toBe(200);
    expect(routes.listNotifications.responses[200].schema.safeParse(response.json).success).toBe(true);
    return response.json.data as Array<{ deliveryId: string; eventType: string; eventId: string; to: string; subject: string; text: string; html: string }>;
  };
  const mailsFor = async (deliveryId: string) => (await outbox(actors.tenantId)).filter((mail) => mail.deliveryId === deliveryId);

  it('sends the tracking link on booking and the outcome on delivery, once each, even when an event is delivered again', async () => {
    setEnv(generousLimits);
    const delivery = await book();
    await assign(delivery.id);
    await courierEvent(delivery.id, { type: 'picked_up' });
    await courierEvent(delivery.id, { type: 'delivered' });
    await api.runtime.settle();

    let mails = await mailsFor(delivery.id);
    expect(mails.map((mail) => mail.eventType).sort()).toEqual(['delivery.booked', 'delivery.delivered']);
    const booked = mails.find((mail) => mail.eventType === 'delivery.booked')!;
    expect(booked.to).toBe('camille@example.org');
    expect(booked.subject).toBe('Suivez votre livraison · Track your delivery');
    expect(booked.text).toContain(delivery.tracking.url);
    expect(booked.html).toContain(`href="${delivery.tracking.url}"`);
    const delivered = mails.find((mail) => mail.eventType === 'delivery.delivered')!;
    expect(delivered.text).toContain('Votre livraison a été effectuée le');
    for (const mail of mails) {
      for (const amount of [delivery.price.gross, delivery.price.net, delivery.price.vat]) expect(`${mail.text}${mail.html}`).not.toMatch(new RegExp(`(?<!\\d)${amount}(?!\\d)`));
      expect(mail.text).not.toContain('Breuil');
    }

    // EventBridge delivers at least once: put the same events on the bus again.
    const trail = (await api.call('GET', `/v1/tenants/${actors.tenantId}/events?limit=100`)).json.data.filter(
      (event: { type: string; data: { id: string } }) => event.data.id === delivery.id && (event.type === 'delivery.booked' || event.type === 'delivery.delivered'),
    );
    expect(trail).toHaveLength(2);
    const result = await bus.send(
      new PutEventsCommand({
        Entries: trail.map((event: { id: string; type: string; occurredAt: string; version: number; data: unknown }) => ({
          EventBusName: 'delivery-hub',
          Source: 'delivery-hub',
          DetailType: event.type,
          Detail: JSON.stringify({ id: event.id, tenantId: actors.tenantId, occurredAt: event.occurredAt, version: event.version, data: event.data }),
        })),
      }),
    );
    expect(result.FailedEntryCount).toBe(0);
    await api.runtime.settle();
    mails = await mailsFor(delivery.id);
    expect(mails).toHaveLength(2);
  });

  it('sends the failure, and nothing for a drop-off without an e-mail address', async () => {
    setEnv(generousLimits);
    const failing = await book();
    await assign(failing.id);
    await courierEvent(failing.id, { type: 'failed', reason: 'Absent' });
    const noEmail = await book({ ...quoteBody(), dropoff: { ...quoteBody().dropoff, contact: { name: 'Camille Martin', phone: '+33 6 12 34 56 78' } } });
    await assign(noEmail.id);
    await courierEvent(noEmail.id, { type: 'picked_up' });
    await courierEvent(noEmail.id, { type: 'delivered' });
    await api.runtime.settle();
    expect((await mailsFor(failing.id)).map((mail) => mail.eventType).sort()).toEqual(['delivery.booked', 'delivery.failed']);
    expect(await mailsFor(noEmail.id)).toEqual([]);
  });

  it('retries a failed send through the bus and still sends once', async () => {
    await api.runtime.settle();
    const attempts = new Map<string, number>();
    const outboxNotifier = new TableOutboxNotifier();
    const flaky: Notifier = {
      async send(email, now) {
        const about = email.deliveryId ?? email.eventId;
        attempts.set(about, (attempts.get(about) ?? 0) + 1);
        if (attempts.get(about) === 1) throw new Error('mail provider unavailable');
        return outboxNotifier.send(email, now);
      },
    };
    setNotifier(flaky);
    const delivery = await book();
    await api.runtime.settle();
    expect(attempts.get(delivery.id)).toBe(2);
    expect((await mailsFor(delivery.id)).map((mail) => mail.eventType)).toEqual(['delivery.booked']);
  });

  it('goes through SES, and not to the outbox, with NOTIFIER=ses', async () => {
    await api.runtime.settle();
    const ses = mockClient(SESv2Client);
    try {
      ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
      setEnv({ NOTIFIER: 'ses', SES_FROM_ADDRESS: 'suivi@coop.example' });
      const delivery = await book();
      await api.runtime.settle();
      const calls = ses.commandCalls(SendEmailCommand).filter((call) => call.args[0].input.Content?.Simple?.Body?.Text?.Data?.includes(delivery.tracking.url));
      expect(calls).toHaveLength(1);
      expect(calls[0]?.args[0].input).toMatchObject({ FromEmailAddress: 'suivi@coop.example', Destination: { ToAddresses: ['camille@example.org'] } });
      expect(await mailsFor(delivery.id)).toEqual([]);
    } finally {
      ses.restore();
    }
  });

  it("is the hub's to read", async () => {
    expectError(await api.call('GET', `/v1/hub/notifications?tenantId=${actors.tenantId}`, { key: actors.tenantKey }), 403, 'forbidden');
    expectError(await api.call('GET', '/v1/hub/notifications'), 400, 'parameter_missing');
    expect((await api.call('GET', '/v1/hub/notifications?tenantId=nope')).json).toEqual({ data: [], hasMore: false, nextCursor: null });
  });
});
