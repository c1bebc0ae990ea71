import fc from 'fast-check';
import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { idPrefixes, isId, newId, newUlid, pooledRandom } from '../../shared/ids.js';

describe('ids', () => {
  it('pooledRandom gives fractions in [0, 1), across pool refills', () => {
    // 4 KiB pool = 1,024 draws: 5,000 draws refill it several times.
    for (let i = 0; i < 5_000; i++) {
      const value = pooledRandom();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('pooledRandom picks each of the 32 ULID characters evenly (chi-square)', () => {
    const draws = 64_000;
    const counts = new Array<number>(32).fill(0);
    for (let i = 0; i < draws; i++) counts[Math.floor(pooledRandom() * 32)]! += 1;
    const expected = draws / 32;
    const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    // 31 degrees of freedom: p = 0.0001 at 70.
    expect(chiSquare).toBeLessThan(70);
  });

  it('every id has its kind\'s shape, the given time, and no two are equal', () => {
    fc.assert(
      // From 1 ms: `ulid` reads a seed time of 0 as "none" and takes the clock.
      fc.property(fc.constantFrom(...(Object.keys(idPrefixes) as (keyof typeof idPrefixes)[])), fc.integer({ min: 1, max: 2 ** 48 - 1 }), (kind, time) => {
        const id = newId(kind, time);
        expect(isId(kind, id)).toBe(true);
        expect(decodeTime(id.slice(id.indexOf('_') + 1))).toBe(time);
      }),
    );
    const many = new Set(Array.from({ length: 20_000 }, () => newUlid(1_700_000_000_000)));
    expect(many.size).toBe(20_000);
  });
});
