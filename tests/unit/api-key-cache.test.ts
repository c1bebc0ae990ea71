import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiKeys, forgetKnownKeys, hashSecret, KEY_CACHE_MS, principalForSecret } from '../../shared/auth/api-keys.js';
import { setDb } from '../../shared/db/client.js';

const document = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-3' }));
const table = mockClient(document);
const secret = 'dh_ten_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

beforeEach(() => {
  table.reset();
  forgetKnownKeys();
  setDb(document);
  delete process.env.HUB_ADMIN_API_KEY;
});
afterEach(() => {
  setDb(undefined);
  vi.useRealTimers();
});

describe('API key lookups', () => {
  it('read the table once a minute per key, not once per request', async () => {
    table.on(GetCommand, { Key: apiKeys.key({ secretHash: hashSecret(secret) }) }).resolves({ Item: { entity: 'api_key', id: 'key_1', role: 'tenant', tenantId: 'ten_1' } });
    vi.useFakeTimers({ toFake: ['Date'] });
    expect(await principalForSecret(secret)).toEqual({ role: 'tenant', keyId: 'key_1', tenantId: 'ten_1' });
    expect(await principalForSecret(secret)).toEqual({ role: 'tenant', keyId: 'key_1', tenantId: 'ten_1' });
    expect(table.commandCalls(GetCommand)).toHaveLength(1);
    vi.setSystemTime(Date.now() + KEY_CACHE_MS + 1);
    await principalForSecret(secret);
    expect(table.commandCalls(GetCommand)).toHaveLength(2);
  });

  it('never remember an unknown or revoked key', async () => {
    table.on(GetCommand).resolvesOnce({}).resolvesOnce({ Item: { entity: 'api_key', id: 'key_2', role: 'tenant', tenantId: 'ten_1', revokedAt: '2026-01-01T00:00:00Z' } });
    expect(await principalForSecret(secret)).toBeUndefined();
    expect(await principalForSecret(secret)).toBeUndefined();
    expect(table.commandCalls(GetCommand)).toHaveLength(2);
  });
});
