import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, hashSecret } from '../../shared/auth/api-keys.js';
import { db } from '../../shared/db/client.js';
import { expectError, sampleTenant, startTestApi, type TestApi } from '../helpers/runtime.js';

let api: TestApi;
let tenantA: { id: string };
let tenantB: { id: string };
let keyA: string;

beforeAll(async () => {
  api = await startTestApi();
  tenantA = (await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'A' }) })).json;
  tenantB = (await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'B' }) })).json;
  keyA = (await api.call('POST', `/v1/tenants/${tenantA.id}/api-keys`, { body: { role: 'tenant' } })).json.key;
});
afterAll(() => api?.stop());

describe('authentication', () => {
  it('answers 401 missing_api_key without an Authorization header', async () => {
    const error = expectError(await api.call('GET', '/v1/tenants', { key: null }), 401, 'missing_api_key');
    expect(error.type).toBe('authentication_error');
  });

  it('answers 401 missing_api_key for a scheme other than Bearer', async () => {
    expectError(await api.call('GET', '/v1/tenants', { key: null, headers: { authorization: `Basic ${keyA}` } }), 401, 'missing_api_key');
  });

  it('answers 401 invalid_api_key for an unknown key, a near-miss and an absurdly long one', async () => {
    expectError(await api.call('GET', '/v1/tenants', { key: 'dh_ten_doesnotexist' }), 401, 'invalid_api_key');
    expectError(await api.call('GET', `/v1/tenants/${tenantA.id}`, { key: `${keyA.slice(0, -1)}x` }), 401, 'invalid_api_key');
    expectError(await api.call('GET', '/v1/tenants', { key: 'k'.repeat(5000) }), 401, 'invalid_api_key');
  });

  it('answers 403 forbidden to a known key of the wrong role', async () => {
    const error = expectError(await api.call('GET', '/v1/tenants', { key: keyA }), 403, 'forbidden');
    expect(error.type).toBe('permission_error');
    expectError(await api.call('POST', '/v1/tenants', { key: keyA, body: sampleTenant() }), 403, 'forbidden');
  });

  it('checks the key before the body: a stranger learns nothing from validation errors', async () => {
    expectError(await api.call('POST', '/v1/tenants', { key: null, rawBody: '{not json', headers: { 'content-type': 'application/json' } }), 401, 'missing_api_key');
  });

  it('lets public endpoints through without a key', async () => {
    expect((await api.call('GET', '/health', { key: null })).status).toBe(200);
    expect((await api.call('GET', '/v1/openapi.json', { key: null })).status).toBe(200);
  });
});

describe('API keys', () => {
  it('are shown once, carry at least 128 bits of entropy, and are stored only as a hash', async () => {
    const created = await api.call('POST', `/v1/tenants/${tenantA.id}/api-keys`, { body: {} });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: expect.stringMatching(/^key_[0-9A-Z]{26}$/), role: 'tenant', tenantId: tenantA.id });
    const secret: string = created.json.key;
    const randomPart = secret.replace(/^dh_ten_/, '');
    expect(Buffer.from(randomPart, 'base64url').length * 8).toBeGreaterThanOrEqual(128);

    const { Item } = await db().send(new GetCommand({ TableName: api.runtime.tableName, Key: apiKeys.key({ secretHash: hashSecret(secret) }) }));
    expect(Item).toBeDefined();
    expect(JSON.stringify(Item)).not.toContain(secret);
    expect(JSON.stringify(Item)).not.toContain(randomPart.slice(0, 20));

    // Nowhere in the tenant's key listing either.
    const listing = await db().send(
      new QueryCommand({ TableName: api.runtime.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': `KEYS#${tenantA.id}` } }),
    );
    expect(listing.Items?.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(listing.Items)).not.toContain(randomPart.slice(0, 20));
  });

  it('issues accountant keys that cannot administer tenants', async () => {
    const created = await api.call('POST', `/v1/tenants/${tenantA.id}/api-keys`, { body: { role: 'accountant' } });
    expect(created.json.role).toBe('accountant');
    expect(created.json.key).toMatch(/^dh_acc_/);
    expectError(await api.call('GET', '/v1/tenants', { key: created.json.key }), 403, 'forbidden');
  });

  it('refuses roles a tenant key cannot have', async () => {
    const error = expectError(await api.call('POST', `/v1/tenants/${tenantA.id}/api-keys`, { body: { role: 'admin' } }), 400, 'parameter_invalid');
    expect(error.param).toBe('role');
  });

  it('answers 404 when the tenant does not exist, and writes no key', async () => {
    expectError(await api.call('POST', '/v1/tenants/ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7/api-keys', { body: {} }), 404, 'resource_missing');
    const listing = await db().send(
      new QueryCommand({ TableName: api.runtime.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'KEYS#ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7' } }),
    );
    expect(listing.Items).toEqual([]);
  });
});

describe('tenancy', () => {
  it('lets a tenant read its own tenant', async () => {
    const own = await api.call('GET', `/v1/tenants/${tenantA.id}`, { key: keyA });
    expect(own.status).toBe(200);
    expect(own.json.id).toBe(tenantA.id);
  });

  it("answers 404 for another tenant's id, exactly as for an id that does not exist", async () => {
    const other = await api.call('GET', `/v1/tenants/${tenantB.id}`, { key: keyA });
    const missing = await api.call('GET', '/v1/tenants/ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', { key: keyA });
    expectError(other, 404, 'resource_missing');
    expectError(missing, 404, 'resource_missing');
    const strip = (body: any) => ({ ...body.error, requestId: undefined, message: body.error.message.replace(/'.*'/, "'…'") });
    expect(strip(other.json)).toEqual(strip(missing.json));
    expectError(await api.call('GET', `/v1/tenants/${tenantB.id}/events`, { key: keyA }), 404, 'resource_missing');
  });

  it('lets the admin read every tenant', async () => {
    expect((await api.call('GET', `/v1/tenants/${tenantB.id}`)).json.name).toBe('B');
  });
});

describe('couriers', () => {
  it('registers a courier with a key of the courier role, shown once', async () => {
    const created = await api.call('POST', '/v1/couriers', { body: { name: 'Camille' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: expect.stringMatching(/^cou_/), name: 'Camille', apiKey: expect.stringMatching(/^dh_cou_/) });
    // A courier key authenticates (403 is "known key, wrong role"), it is not an admin.
    expectError(await api.call('GET', '/v1/tenants', { key: created.json.apiKey }), 403, 'forbidden');
    expectError(await api.call('GET', `/v1/tenants/${tenantA.id}`, { key: created.json.apiKey }), 403, 'forbidden');
  });
});
