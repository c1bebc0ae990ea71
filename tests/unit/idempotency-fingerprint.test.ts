import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, requestFingerprint } from '../../shared/http/idempotency.js';

const shuffleKeys = (value: unknown, seed: number): unknown => {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, seed));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const rotated = entries.map((_, index) => entries[(index + seed) % entries.length] as [string, unknown]);
    return Object.fromEntries(rotated.map(([key, item]) => [key, shuffleKeys(item, seed)]));
  }
  return value;
};

describe('request fingerprints', () => {
  it('do not depend on key order or whitespace', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(20), (value, seed) => {
        const reordered = JSON.parse(JSON.stringify(shuffleKeys(value, seed), null, 2));
        expect(requestFingerprint('POST', '/v1/x', reordered)).toBe(requestFingerprint('POST', '/v1/x', value));
      }),
    );
  });

  it('differ when the meaning differs', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(canonicalJson(a) !== canonicalJson(b));
        expect(requestFingerprint('POST', '/v1/x', a)).not.toBe(requestFingerprint('POST', '/v1/x', b));
      }),
    );
  });

  it('differ between endpoints for the same body', () => {
    expect(requestFingerprint('POST', '/v1/tenants', {})).not.toBe(requestFingerprint('POST', '/v1/couriers', {}));
  });

  it('canonical JSON is still JSON, with sorted keys', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value) ?? 'null'));
      }),
    );
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
});
