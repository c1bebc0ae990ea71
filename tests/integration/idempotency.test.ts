import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../shared/db/client.js';
import { IDEMPOTENCY_RETENTION_SECONDS, idempotencyRecords, idempotencyStore, requestFingerprint } from '../../shared/http/idempotency.js';
import { expectError, sampleTenant, startTestApi, type TestApi } from '../helpers/runtime.js';

let api: TestApi;

const listNames = async () => {
  const page = await api.call('GET', '/v1/tenants?limit=100');
  return page.json.data.map((tenant: { name: string }) => tenant.name) as string[];
};

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

describe('Idempotency-Key on create endpoints', () => {
  it('replays the first response byte for byte and creates nothing more', async () => {
    const headers = { 'idempotency-key': 'retry-1' };
    const body = sampleTenant({ name: 'Replay' });
    const first = await api.call('POST', '/v1/tenants', { body, headers });
    const second = await api.call('POST', '/v1/tenants', { body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((await listNames()).filter((name) => name === 'Replay')).toHaveLength(1);
  });

  it('treats the same JSON with other key order and spacing as the same request', async () => {
    const headers = { 'idempotency-key': 'retry-order', 'content-type': 'application/json' };
    const body = sampleTenant({ name: 'Order' });
    const first = await api.call('POST', '/v1/tenants', { rawBody: JSON.stringify(body), headers });
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const second = await api.call('POST', '/v1/tenants', { rawBody: JSON.stringify(reordered, null, 2), headers });
    expect(second.status).toBe(201);
    expect(second.json.id).toBe(first.json.id);
  });

  it('answers 409 idempotency_key_reused when the same key comes with another body', async () => {
    const headers = { 'idempotency-key': 'retry-2' };
    await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'First body' }), headers });
    const error = expectError(await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'Other body' }), headers }), 409, 'idempotency_key_reused');
    expect(error.type).toBe('conflict');
    expect(await listNames()).not.toContain('Other body');
  });

  it('answers 409 when the same key is used on another endpoint', async () => {
    const headers = { 'idempotency-key': 'retry-3' };
    await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'Cross' }), headers });
    expectError(await api.call('POST', '/v1/couriers', { body: { name: 'Cross' }, headers }), 409, 'idempotency_key_reused');
  });

  it('creates exactly one resource when twenty identical requests race', async () => {
    const headers = { 'idempotency-key': 'race-1' };
    const body = sampleTenant({ name: 'Race' });
    const responses = await Promise.all(Array.from({ length: 20 }, () => api.call('POST', '/v1/tenants', { body, headers })));
    const ids = new Set(responses.filter((response) => response.status === 201).map((response) => response.json.id));
    expect(ids.size).toBe(1);
    // Every duplicate got the first answer (or, at worst, was told to retry): none created anything.
    for (const response of responses) expect([201, 409]).toContain(response.status);
    expect((await listNames()).filter((name) => name === 'Race')).toHaveLength(1);
  });

  it('gives different keys different resources', async () => {
    const body = sampleTenant({ name: 'Twice' });
    const first = await api.call('POST', '/v1/tenants', { body, headers: { 'idempotency-key': 'k-a' } });
    const second = await api.call('POST', '/v1/tenants', { body, headers: { 'idempotency-key': 'k-b' } });
    expect(first.json.id).not.toBe(second.json.id);
  });

  it('replays a client error of a request that started (a 404 stays a 404)', async () => {
    const headers = { 'idempotency-key': 'missing-tenant' };
    const path = '/v1/tenants/ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7/api-keys';
    const first = await api.call('POST', path, { body: {}, headers });
    const second = await api.call('POST', path, { body: {}, headers });
    expectError(first, 404, 'resource_missing');
    expect(second.text).toBe(first.text);
  });

  it('does not store validation failures: the corrected request with the same key goes through', async () => {
    const headers = { 'idempotency-key': 'fix-me' };
    expectError(await api.call('POST', '/v1/tenants', { body: sampleTenant({ kind: 'nope' }), headers }), 400, 'parameter_invalid');
    expect((await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'Fixed' }), headers })).status).toBe(201);
  });

  it('keeps the stored response at least 24 hours', async () => {
    const headers = { 'idempotency-key': 'ttl-check' };
    await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'TTL' }), headers });
    const keyHash = createHash('sha256').update('ttl-check').digest('hex');
    const { Item } = await db().send(new GetCommand({ TableName: api.runtime.tableName, Key: idempotencyRecords.key({ scope: 'hub', keyHash }) }));
    expect(Item?.state).toBe('complete');
    expect(Item?.ttl).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 24 * 3600);
    expect(IDEMPOTENCY_RETENTION_SECONDS).toBeGreaterThanOrEqual(24 * 3600);
  });
});

describe('idempotency store', () => {
  const fingerprint = requestFingerprint('POST', '/v1/things', { a: 1 });

  it('takes over the lock of an attempt that crashed, once the lock expired', async () => {
    const keyHash = createHash('sha256').update('crashed').digest('hex');
    await db().send(
      new PutCommand({
        TableName: api.runtime.tableName,
        Item: { ...idempotencyRecords.key({ scope: 'scope-a', keyHash }), state: 'in_progress', fingerprint, lockToken: 'dead', lockExpiresAt: Date.now() - 1, ttl: Math.floor(Date.now() / 1000) + 3600 },
      }),
    );
    const outcome = await idempotencyStore.begin('scope-a', 'crashed', fingerprint);
    expect(outcome.kind).toBe('acquired');
  });

  it('answers in_progress while a live lock is held past the wait', async () => {
    const first = await idempotencyStore.begin('scope-b', 'slow', fingerprint);
    expect(first.kind).toBe('acquired');
    const started = Date.now();
    const second = await idempotencyStore.begin('scope-b', 'slow', fingerprint, 300);
    expect(second.kind).toBe('in_progress');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('hands a waiting duplicate the first answer as soon as it is stored', async () => {
    const first = await idempotencyStore.begin('scope-f', 'wait', fingerprint);
    if (first.kind !== 'acquired') throw new Error('expected the lock');
    const waiting = idempotencyStore.begin('scope-f', 'wait', fingerprint, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await idempotencyStore.complete(first.lock, { statusCode: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"x"}' });
    expect(await waiting).toEqual({ kind: 'replay', response: { statusCode: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"x"}' } });
  });

  it('releases the key after a server error so that the retry runs', async () => {
    const first = await idempotencyStore.begin('scope-g', 'boom', fingerprint);
    if (first.kind !== 'acquired') throw new Error('expected the lock');
    await idempotencyStore.release(first.lock);
    expect((await idempotencyStore.begin('scope-g', 'boom', fingerprint, 0)).kind).toBe('acquired');
  });

  it('ignores an expired record that DynamoDB has not deleted yet', async () => {
    const keyHash = createHash('sha256').update('expired').digest('hex');
    await db().send(
      new PutCommand({
        TableName: api.runtime.tableName,
        Item: { ...idempotencyRecords.key({ scope: 'scope-c', keyHash }), state: 'complete', fingerprint: 'other', response: { statusCode: 201, headers: {}, body: '{}' }, ttl: Math.floor(Date.now() / 1000) - 10 },
      }),
    );
    expect((await idempotencyStore.begin('scope-c', 'expired', fingerprint)).kind).toBe('acquired');
  });

  it('scopes keys per caller: the same key in two scopes is two requests', async () => {
    expect((await idempotencyStore.begin('scope-d', 'shared-key', fingerprint)).kind).toBe('acquired');
    expect((await idempotencyStore.begin('scope-e', 'shared-key', fingerprint)).kind).toBe('acquired');
  });
});
