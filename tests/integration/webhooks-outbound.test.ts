import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allEvents } from '../../shared/app/events.js';
import { newId } from '../../shared/ids.js';
import { writeOne } from '../../shared/db/transact.js';
import { webhookRepository } from '../../shared/webhooks/repository.js';
import { webhookEventTypes } from '../../shared/webhooks/rules.js';
import { MAX_ATTEMPTS } from '../../shared/webhooks/schedule.js';
import { webhookEventFilters } from '../../shared/webhooks/schemas.js';
import { sweepDueMessages } from '../../shared/webhooks/service.js';
import { startReceiver } from '../helpers/receiver.js';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

let api: TestApi;
let actors: Actors;
const receivers: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  api = await startTestApi({ runSchedules: false });
  actors = await setUpActors(api);
});
afterAll(async () => {
  for (const receiver of receivers) await receiver.close();
  await api?.stop();
});

async function receiver(answer?: Parameters<typeof startReceiver>[0]) {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}

async function endpoint(url: string, events: string[] = ['delivery.*'], key = actors.tenantKey) {
  const response = await api.call('POST', '/v1/webhook-endpoints', { key, body: { url, events } });
  if (response.status !== 201) throw new Error(response.text);
  return response.json as { id: string; secret: string };
}

const book = async (key = actors.tenantKey) => (await api.call('POST', '/v1/deliveries', { key, body: quoteBody() })).json;
const messages = async (endpointId: string, key = actors.tenantKey) => (await api.call('GET', `/v1/webhook-endpoints/${endpointId}/messages?limit=100`, { key })).json.data;
const later = (ms: number) => new Date(Date.now() + ms);

describe('webhook endpoints', () => {
  it('are created with a Standard Webhooks secret shown once, listed and deleted, per tenant', async () => {
    const hook = await receiver();
    const created = await endpoint(hook.url, ['delivery.delivered']);
    expect(created).toMatchObject({ id: expect.stringMatching(/^whe_/), url: hook.url, events: ['delivery.delivered'], status: 'enabled', secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/) });
    const listed = (await api.call('GET', '/v1/webhook-endpoints', { key: actors.tenantKey })).json.data;
    expect(listed.find((entry: { id: string }) => entry.id === created.id)).not.toHaveProperty('secret');
    expectError(await api.call('GET', `/v1/webhook-endpoints/${created.id}/messages`, { key: actors.otherTenantKey }), 404, 'resource_missing');
    expectError(await api.call('DELETE', `/v1/webhook-endpoints/${created.id}`, { key: actors.otherTenantKey }), 404, 'resource_missing');
    expect((await api.call('DELETE', `/v1/webhook-endpoints/${created.id}`, { key: actors.tenantKey })).json).toEqual({ id: created.id, object: 'webhook_endpoint', deleted: true });
    expectError(await api.call('DELETE', `/v1/webhook-endpoints/${created.id}`, { key: actors.tenantKey }), 404, 'resource_missing');
  });

  it.each([
    ['ftp://example.org/hooks', 'a scheme other than https'],
    ['http://10.0.0.8/hooks', 'a private address'],
    ['https://169.254.169.254/latest/meta-data', 'the cloud metadata address'],
    ['https://user:pw@example.org/hooks', 'credentials in the URL'],
    ['not a url', 'a relative or malformed URL'],
  ])('refuses %s (%s)', async (url) => {
    expect(expectError(await api.call('POST', '/v1/webhook-endpoints', { key: actors.tenantKey, body: { url, events: ['delivery.*'] } }), 400, 'parameter_invalid').param).toBe('url');
  });

  it('refuses event filters that are not event types', async () => {
    expect(expectError(await api.call('POST', '/v1/webhook-endpoints', { key: actors.tenantKey, body: { url: 'http://127.0.0.1:9/x', events: ['*'] } }), 400, 'parameter_invalid').param).toBe('events[0]');
  });

  it.each<[string, string[], string]>([
    ['a misspelt type', ['delivery.deliverd'], 'events[0]'],
    ['a wildcard over an area that sends no webhook', ['delivery.*', 'tenant.*'], 'events[1]'],
    ['an event type tenants never receive', ['invoice.paid', 'tenant.created'], 'events[1]'],
    ...allEvents.filter((definition) => definition.internal).map(({ type }) => type).map((type): [string, string[], string] => [`the internal type ${type}`, [type], 'events[0]']),
  ])('refuses a filter that can never fire: %s, naming it and listing the valid ones', async (_case, events, param) => {
    const error = expectError(await api.call('POST', '/v1/webhook-endpoints', { key: actors.tenantKey, body: { url: 'http://127.0.0.1:9/x', events } }), 400, 'parameter_invalid');
    expect(error.param).toBe(param);
    for (const valid of webhookEventFilters) expect(error.message).toContain(`"${valid}"`);
  });

  it('accepts every event type tenants receive, and a wildcard for each of their areas', async () => {
    const events = [...webhookEventTypes, 'delivery.*', 'invoice.*'];
    const response = await api.call('POST', '/v1/webhook-endpoints', { key: actors.tenantKey, body: { url: 'http://127.0.0.1:9/x', events } });
    expect(response.status).toBe(201);
    expect(response.json.events).toEqual(events);
    // Nothing listens there: left enabled, its failing messages would be due in other tests' sweeps.
    await api.call('DELETE', `/v1/webhook-endpoints/${response.json.id}`, { key: actors.tenantKey });
  });
});

describe('delivery of status events', () => {
  it('signs every message per Standard Webhooks, with the full delivery, and only the subscribed types', async () => {
    const all = await receiver();
    const deliveredOnly = await receiver();
    const allEndpoint = await endpoint(all.url, ['delivery.*']);
    await endpoint(deliveredOnly.url, ['delivery.delivered']);
    const delivery = await book();
    await api.call('POST', `/v1/hub/deliveries/${delivery.id}/assign`, { body: { courierId: actors.courier.id } });
    await api.call('POST', `/v1/courier/deliveries/${delivery.id}/events`, { key: actors.courier.key, body: { type: 'picked_up' } });
    await api.call('POST', `/v1/courier/deliveries/${delivery.id}/events`, { key: actors.courier.key, body: { type: 'delivered', proof: { recipientName: 'C.' } } });
    await api.runtime.settle();

    const verifier = new Webhook(allEndpoint.secret);
    const bodies = all.received.map((request) => verifier.verify(request.body, request.headers as Record<string, string>) as { type: string; timestamp: string; data: { id: string; status: string } });
    // Messages are independent: they may arrive in any order, and carry their time for ordering.
    const mine = bodies.filter((body) => body.data.id === delivery.id).sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    expect(mine.map((body) => body.type)).toEqual(['delivery.booked', 'delivery.assigned', 'delivery.picked_up', 'delivery.delivered']);
    expect(mine[3]?.data).toMatchObject({ id: delivery.id, status: 'delivered', tenantId: actors.tenantId, price: delivery.price, tracking: delivery.tracking });
    for (const request of all.received) expect(request.headers['webhook-id']).toMatch(/^msg_[0-9A-Z]{26}$/);

    const onlyDelivered = deliveredOnly.received.map((request) => JSON.parse(request.body) as { type: string; data: { id: string } }).filter((body) => body.data.id === delivery.id);
    expect(onlyDelivered.map((body) => body.type)).toEqual(['delivery.delivered']);

    // A forged signature does not verify with the official library.
    const first = all.received[0];
    expect(() => verifier.verify(`${first?.body} `, first?.headers as Record<string, string>)).toThrow();
    const log = await messages(allEndpoint.id);
    expect(log.filter((message: { status: string }) => message.status === 'delivered').length).toBeGreaterThanOrEqual(4);
    expect(log[0]).toMatchObject({ attempts: 1, lastResponseStatus: 200, attemptLog: [expect.objectContaining({ statusCode: 200, error: null })] });
  });

  it('rotates the secret: the new one shown once, both signing for a day so the receiver switches without a loss', async () => {
    const hook = await receiver();
    const created = await endpoint(hook.url);
    const rotated = await api.call('POST', `/v1/webhook-endpoints/${created.id}/rotate-secret`, { key: actors.tenantKey });
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).toMatch(/^whsec_/);
    expect(rotated.json.secret).not.toBe(created.secret);
    expect(Date.parse(rotated.json.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect(JSON.stringify((await api.call('GET', '/v1/webhook-endpoints', { key: actors.tenantKey })).json)).not.toContain(rotated.json.secret);
    await book();
    await api.runtime.settle();
    const request = hook.received.at(-1);
    expect(request).toBeDefined();
    // Each secret verifies on its own: receivers on the old one keep working, those on the new one too.
    expect(() => new Webhook(rotated.json.secret).verify(request?.body as string, request?.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(created.secret).verify(request?.body as string, request?.headers as Record<string, string>)).not.toThrow();
    expect(String(request?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expectError(await api.call('POST', `/v1/webhook-endpoints/${created.id}/rotate-secret`, { key: actors.otherTenantKey }), 404, 'resource_missing');
  });

  it('never sends one event twice to an endpoint, even when the bus redelivers it', async () => {
    const hook = await receiver();
    const created = await endpoint(hook.url);
    await book();
    await api.runtime.settle();
    const [message] = await messages(created.id);
    const event = (await api.call('GET', `/v1/tenants/${actors.tenantId}/events?limit=100`)).json.data.find((entry: { id: string }) => entry.id === message.eventId);
    const client = new EventBridgeClient({});
    await client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: 'delivery-hub', Source: 'delivery-hub', DetailType: event.type, Detail: JSON.stringify({ id: event.id, tenantId: actors.tenantId, occurredAt: event.occurredAt, version: 1, data: event.data }) }],
      }),
    );
    client.destroy();
    await api.runtime.settle();
    expect(hook.received.filter((request) => request.headers['webhook-id'] === message.id)).toHaveLength(1);
    expect(await messages(created.id)).toHaveLength(1);
  });

  it('retries failures with backoff, keeps the webhook-id, logs every attempt, and succeeds', async () => {
    const hook = await receiver((_request, count) => ({ status: count <= 2 ? 500 : 200 }));
    const created = await endpoint(hook.url);
    await book();
    await api.runtime.settle();
    let [message] = await messages(created.id);
    expect(message).toMatchObject({ status: 'pending', attempts: 1, lastResponseStatus: 500 });
    const firstRetryIn = Date.parse(message.nextAttemptAt) - Date.parse(message.attemptLog[0].at);
    expect(firstRetryIn).toBeGreaterThanOrEqual(4_500);
    expect(firstRetryIn).toBeLessThanOrEqual(6_000);

    await sweepDueMessages(later(10_000));
    await sweepDueMessages(later(10 * 60_000));
    [message] = await messages(created.id);
    expect(message).toMatchObject({ status: 'delivered', attempts: 3, lastResponseStatus: 200 });
    expect(message.attemptLog.map((entry: { statusCode: number }) => entry.statusCode)).toEqual([500, 500, 200]);
    expect(new Set(hook.received.map((request) => request.headers['webhook-id']))).toEqual(new Set([message.id]));
    const timestamps = hook.received.map((request) => Number(request.headers['webhook-timestamp']));
    expect(timestamps[2]).toBeGreaterThan(timestamps[0] as number);
  });

  it('respects Retry-After on 429 and 503', async () => {
    const hook = await receiver(() => ({ status: 429, headers: { 'retry-after': '900' } }));
    const created = await endpoint(hook.url);
    await book();
    await api.runtime.settle();
    const [message] = await messages(created.id);
    expect(Date.parse(message.nextAttemptAt) - Date.parse(message.attemptLog[0].at)).toBeGreaterThanOrEqual(899_000);
    expect(await sweepDueMessages(later(60_000))).toBe(0);
  });

  it('marks a message failed after the last attempt, and lets the tenant replay it', async () => {
    let healthy = false;
    const hook = await receiver(() => ({ status: healthy ? 200 : 503 }));
    const created = await endpoint(hook.url);
    await book();
    await api.runtime.settle();
    for (let round = 1; round < MAX_ATTEMPTS; round += 1) await sweepDueMessages(later(round * 24 * 3600_000));
    let [message] = await messages(created.id);
    expect(message).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, nextAttemptAt: null });
    const spanHours = (Date.parse(message.attemptLog.at(-1).at) - Date.parse(message.attemptLog[0].at)) / 3600_000;
    expect(spanHours).toBeGreaterThanOrEqual(24);

    healthy = true;
    const retry = await api.call('POST', `/v1/webhook-endpoints/${created.id}/messages/${message.id}/retry`, { key: actors.tenantKey });
    expect(retry.status).toBe(202);
    expect(retry.json.status).toBe('pending');
    await sweepDueMessages(later(1_000));
    [message] = await messages(created.id);
    expect(message).toMatchObject({ status: 'delivered', attempts: MAX_ATTEMPTS + 1 });
    expectError(await api.call('POST', `/v1/webhook-endpoints/${created.id}/messages/msg_01JDQ6V7M5B8XK2ZQ3W4E5R6T7/retry`, { key: actors.tenantKey }), 404, 'resource_missing');
  });

  it('disables an endpoint that answers 410 Gone', async () => {
    const hook = await receiver(() => ({ status: 410 }));
    const created = await endpoint(hook.url);
    await book();
    await api.runtime.settle();
    const listed = (await api.call('GET', '/v1/webhook-endpoints?limit=100', { key: actors.tenantKey })).json.data.find((entry: { id: string }) => entry.id === created.id);
    expect(listed).toMatchObject({ status: 'disabled', disabledReason: expect.stringContaining('410') });
    const sent = hook.received.length;
    await book();
    await api.runtime.settle();
    expect(hook.received.length).toBe(sent);
    expect((await messages(created.id))[0]).toMatchObject({ status: 'failed', lastResponseStatus: 410 });
  });

  it('never reaches an endpoint whose stored URL is a forbidden IP literal (stored before the blocklist grew)', async () => {
    const hook = await receiver();
    // 0.0.0.0 connects to this machine, so the receiver would hear any request that went out.
    const url = hook.url.replace('127.0.0.1', '0.0.0.0');
    expectError(await api.call('POST', '/v1/webhook-endpoints', { key: actors.tenantKey, body: { url, events: ['delivery.booked'] } }), 400, 'parameter_invalid');
    const id = newId('webhookEndpoint');
    const stored = webhookRepository.createEndpoint({
      id,
      object: 'webhook_endpoint',
      tenantId: actors.tenantId,
      url,
      events: ['delivery.booked'],
      description: null,
      status: 'enabled',
      disabledReason: null,
      createdAt: new Date().toISOString(),
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    });
    await writeOne(stored, () => new Error(`endpoint ${id} exists already`));
    await book();
    await api.runtime.settle();
    await sweepDueMessages(later(10_000));
    const [message] = await messages(id);
    expect(message).toMatchObject({ status: 'pending', attempts: 2, lastResponseStatus: null });
    for (const attempt of message.attemptLog) expect(attempt).toMatchObject({ statusCode: null, error: '0.0.0.0 is a forbidden address' });
    expect(hook.received).toHaveLength(0);
    await api.call('DELETE', `/v1/webhook-endpoints/${id}`, { key: actors.tenantKey });
  });

  it('never lets a slow endpoint delay another tenant\'s webhooks', async () => {
    const slow = await receiver(() => ({ status: 200, delayMs: 8_000 }));
    const fast = await receiver();
    await endpoint(slow.url);
    await endpoint(fast.url, ['delivery.*'], actors.otherTenantKey);
    const started = Date.now();
    await Promise.all([book(), book(actors.otherTenantKey)]);
    while (fast.received.length === 0 && Date.now() - started < 7_000) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fast.received.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(7_000);
    await api.runtime.settle();
  }, 30_000);
});
