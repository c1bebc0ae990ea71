import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret } from '../../shared/auth/api-keys.js';
import { decodeCursor, encodeCursor } from '../../shared/db/pagination.js';
import { AppError } from '../../shared/errors.js';
import { idPrefixes, isId, newId } from '../../shared/ids.js';

describe('cursors', () => {
  const partition = { gsi1pk: 'TENANTS' };

  it('round-trip the last key of a page', () => {
    const key = { pk: 'T#ten_1', sk: 'TENANT', gsi1pk: 'TENANTS', gsi1sk: 'ten_1' };
    expect(decodeCursor(encodeCursor(key), partition)).toEqual(key);
  });

  it.each([
    ['another partition', encodeCursor({ pk: 'T#x', sk: 'y', gsi1pk: 'KEYS#ten_other', gsi1sk: 'z' })],
    ['an attribute that is not a key', encodeCursor({ gsi1pk: 'TENANTS', secret: 'x' })],
    ['a non-string value', Buffer.from(JSON.stringify({ gsi1pk: 'TENANTS', gsi1sk: { S: 'x' } })).toString('base64url')],
    ['not JSON', 'bm90IGpzb24'],
    ['an array', Buffer.from('[1]').toString('base64url')],
    ['an empty object', Buffer.from('{}').toString('base64url')],
  ])('refuse %s', (_name, cursor) => {
    expect(() => decodeCursor(cursor, partition)).toThrow(AppError);
  });
});

describe('ids', () => {
  it('carry their type prefix and a ULID, and sort by creation time', () => {
    const first = newId('delivery', 1_700_000_000_000);
    const second = newId('delivery', 1_700_000_000_001);
    expect(first).toMatch(/^dlv_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(first < second).toBe(true);
    expect(isId('delivery', first)).toBe(true);
    expect(isId('tenant', first)).toBe(false);
    expect(isId('tenant', "ten_1' OR '1'='1")).toBe(false);
  });

  it('use the contract prefixes', () => {
    expect(idPrefixes).toMatchObject({ tenant: 'ten', apiKey: 'key', quote: 'quo', delivery: 'dlv', courier: 'cou', webhookEndpoint: 'whe', integration: 'int', invoice: 'inv', webhookMessage: 'msg' });
  });
});

describe('API key secrets', () => {
  it('are random, at least 128 bits, and hashed deterministically', () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => generateSecret('tenant')));
    expect(secrets.size).toBe(1000);
    const secret = [...secrets][0] as string;
    expect(Buffer.from(secret.slice('dh_ten_'.length), 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(hashSecret(secret)).toBe(hashSecret(secret));
    expect(hashSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecret(secret)).not.toContain(secret);
  });
});
