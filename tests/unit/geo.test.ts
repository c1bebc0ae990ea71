import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateRideSeconds, greatCircleMeters, GreatCircleRouter, type LatLng } from '../../shared/geo/router.js';

/** Real places of Saint-Étienne Métropole, and Lyon for a longer ride. */
const places = {
  hotelDeVille: { lat: 45.4397, lng: 4.3872 }, // Saint-Étienne, place de l'Hôtel de Ville
  jeanJaures: { lat: 45.4412, lng: 4.3866 }, // Saint-Étienne, place Jean Jaurès, a short walk north
  firminy: { lat: 45.388, lng: 4.288 }, // Firminy, place du Breuil
  saintChamond: { lat: 45.4757, lng: 4.5149 }, // Saint-Chamond, place de la Liberté
  lyon: { lat: 45.7578, lng: 4.832 }, // Lyon, place Bellecour
} satisfies Record<string, LatLng>;

/**
 * The reference: distances on the WGS84 ellipsoid (a = 6 378 137 m, e² = 0.006 694 38), in the
 * plane tangent at the mean latitude, with the ellipsoid's own radii of curvature there. Another
 * Earth model and another method than the code's great circle on a sphere; over the 50 km of the
 * longest pair here the plane adds under 0.01 %. A sphere's distances stay within 0.5 % of the
 * ellipsoid's (at 45° N the ellipsoid's radii of curvature, 6 367 and 6 389 km, lie within 0.3 %
 * of the mean radius), which is the tolerance.
 */
function ellipsoidMeters(from: LatLng, to: LatLng): number {
  const a = 6_378_137;
  const e2 = 0.00669438;
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const latitude = radians((from.lat + to.lat) / 2);
  const w = 1 - e2 * Math.sin(latitude) ** 2;
  const meridional = (a * (1 - e2)) / w ** 1.5;
  const primeVertical = a / Math.sqrt(w);
  const north = meridional * radians(to.lat - from.lat);
  const east = primeVertical * Math.cos(latitude) * radians(to.lng - from.lng);
  return Math.hypot(north, east);
}
const SPHERE_VS_ELLIPSOID = 0.005;

/** Relative difference. */
const off = (actual: number, expected: number) => Math.abs(actual - expected) / expected;

/** A point in and around the hub's area (Saint-Étienne to Lyon), to 1e-5° (about a metre). */
const point: fc.Arbitrary<LatLng> = fc.record({ lat: fc.integer({ min: 4_520_000, max: 4_580_000 }), lng: fc.integer({ min: 400_000, max: 490_000 }) }).map(({ lat, lng }) => ({ lat: lat / 1e5, lng: lng / 1e5 }));
const runs = { numRuns: 300 };

describe('the straight-line distance', () => {
  const pairs: Array<[string, LatLng, LatLng]> = [
    ["Hôtel de Ville to place Jean Jaurès (about 170 m)", places.hotelDeVille, places.jeanJaures],
    ['Hôtel de Ville to Firminy (about 10 km south-west)', places.hotelDeVille, places.firminy],
    ['Hôtel de Ville to Saint-Chamond (about 11 km north-east)', places.hotelDeVille, places.saintChamond],
    ['Firminy to Saint-Chamond (across the whole valley)', places.firminy, places.saintChamond],
    ['Saint-Étienne to Lyon (about 50 km)', places.hotelDeVille, places.lyon],
  ];
  for (const [name, from, to] of pairs) {
    it(`${name}: within 0.5 % of the WGS84 ellipsoid's, in metres`, () => {
      expect(off(greatCircleMeters(from, to), ellipsoidMeters(from, to))).toBeLessThan(SPHERE_VS_ELLIPSOID);
    });
  }

  it('is zero from a place to itself', () => {
    fc.assert(
      fc.property(point, (p) => {
        expect(greatCircleMeters(p, { ...p })).toBe(0);
      }),
      runs,
    );
  });

  it('is the same both ways (to the last few bits of a double)', () => {
    fc.assert(
      fc.property(point, point, (a, b) => {
        expect(Math.abs(greatCircleMeters(a, b) - greatCircleMeters(b, a))).toBeLessThanOrEqual(1e-9 * greatCircleMeters(a, b));
      }),
      runs,
    );
  });

  it('never beats a detour through a third place (triangle inequality)', () => {
    fc.assert(
      fc.property(point, point, point, (a, b, c) => {
        expect(greatCircleMeters(a, c)).toBeLessThanOrEqual(greatCircleMeters(a, b) + greatCircleMeters(b, c) + 1e-6);
      }),
      runs,
    );
  });

  it('grows as the destination moves away along a straight course', () => {
    // A course of up to 0.3° north and 0.4° east (30 by 30 km), walked in millionths of it: steps
    // of a few metres as well as of kilometres, since a bump in the curve hides between far-apart samples.
    const course = fc.record({ north: fc.integer({ min: -30_000, max: 30_000 }), east: fc.integer({ min: -40_000, max: 40_000 }) }).map(({ north, east }) => ({ north: north / 1e5, east: east / 1e5 }));
    const fraction = fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1e6);
    const step = fc.oneof(fc.integer({ min: 0, max: 200 }).map((n) => n / 1e6), fraction);
    fc.assert(
      fc.property(point, course, fraction, step, (from, { north, east }, near, more) => {
        const at = (k: number) => ({ lat: from.lat + k * north, lng: from.lng + k * east });
        expect(greatCircleMeters(from, at(near))).toBeLessThanOrEqual(greatCircleMeters(from, at(near + more)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the cycling distance of the default router', () => {
  const router = new GreatCircleRouter();

  it('is a detour of 20 to 40 % over the straight line, the circuity reported for city street networks', async () => {
    for (const [from, to] of [
      [places.hotelDeVille, places.firminy],
      [places.hotelDeVille, places.saintChamond],
      [places.hotelDeVille, places.lyon],
    ] as const) {
      const ratio = (await router.distanceMeters(from, to)) / ellipsoidMeters(from, to);
      expect(ratio).toBeGreaterThan(1.2 * (1 - SPHERE_VS_ELLIPSOID));
      expect(ratio).toBeLessThan(1.4 * (1 + SPHERE_VS_ELLIPSOID));
    }
  });

  it('is whole metres, never shorter than the straight line, and zero from a place to itself', async () => {
    await fc.assert(
      fc.asyncProperty(point, point, async (a, b) => {
        const meters = await router.distanceMeters(a, b);
        expect(Number.isInteger(meters)).toBe(true);
        expect(meters).toBeGreaterThanOrEqual(greatCircleMeters(a, b));
        expect(await router.distanceMeters(a, { ...a })).toBe(0);
      }),
      runs,
    );
  });

  it('is the same both ways', async () => {
    await fc.assert(
      fc.asyncProperty(point, point, async (a, b) => {
        expect(await router.distanceMeters(a, b)).toBe(await router.distanceMeters(b, a));
      }),
      runs,
    );
  });

  it('never beats a ride through a third place', async () => {
    await fc.assert(
      fc.asyncProperty(point, point, point, async (a, b, c) => {
        expect(await router.distanceMeters(a, c)).toBeLessThanOrEqual((await router.distanceMeters(a, b)) + (await router.distanceMeters(b, c)));
      }),
      runs,
    );
  });

  it('orders destinations as the straight line does: a farther place is never a shorter ride', async () => {
    await fc.assert(
      fc.asyncProperty(point, point, point, async (from, x, y) => {
        const [near, far] = greatCircleMeters(from, x) <= greatCircleMeters(from, y) ? [x, y] : [y, x];
        expect(await router.distanceMeters(from, near)).toBeLessThanOrEqual(await router.distanceMeters(from, far));
      }),
      runs,
    );
  });
});

describe('another detour factor', () => {
  it('of 1 rides the straight line, rounded up to the metre (a quote never counts a metre short)', async () => {
    const asTheCrowFlies = new GreatCircleRouter(1);
    await fc.assert(
      fc.asyncProperty(point, point, async (a, b) => {
        const straight = greatCircleMeters(a, b);
        const meters = await asTheCrowFlies.distanceMeters(a, b);
        expect(meters).toBeGreaterThanOrEqual(straight);
        expect(meters - straight).toBeLessThan(1);
      }),
      runs,
    );
  });

  it('scales the ride: 1.5 is half as long again as the straight line', async () => {
    const straight = greatCircleMeters(places.hotelDeVille, places.firminy);
    expect(Math.abs((await new GreatCircleRouter(1.5).distanceMeters(places.hotelDeVille, places.firminy)) - 1.5 * straight)).toBeLessThan(1);
  });

  it('is refused below 1 (a ride shorter than the straight line) or when not a number', () => {
    expect(() => new GreatCircleRouter(0.99)).toThrow(RangeError);
    expect(() => new GreatCircleRouter(Number.NaN)).toThrow(RangeError);
    expect(() => new GreatCircleRouter(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('estimateRideSeconds', () => {
  it('rides at the given speed, rounded up to the second: 1 km at 20 km/h is 3 minutes, 1 m at 15 km/h 0.24 s → 1 s', () => {
    expect(estimateRideSeconds(1000, 20)).toBe(180);
    expect(estimateRideSeconds(30_000, 12)).toBe(9000);
    expect(estimateRideSeconds(1, 15)).toBe(1);
    expect(estimateRideSeconds(0, 15)).toBe(0);
  });

  it('by default, at an urban cargo bike pace: a kilometre takes 3 to 6 minutes (between 20 and 10 km/h)', () => {
    expect(estimateRideSeconds(1000)).toBeGreaterThanOrEqual(180);
    expect(estimateRideSeconds(1000)).toBeLessThanOrEqual(360);
  });

  it('takes longer for a longer ride and less at a higher speed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1, max: 40 }), (x, y, speed) => {
        const [short, long] = x <= y ? [x, y] : [y, x];
        expect(estimateRideSeconds(short, speed)).toBeLessThanOrEqual(estimateRideSeconds(long, speed));
        expect(estimateRideSeconds(long, speed + 1)).toBeLessThanOrEqual(estimateRideSeconds(long, speed));
      }),
      runs,
    );
  });

  it('refuses a zero or negative speed and a negative distance', () => {
    expect(() => estimateRideSeconds(1000, 0)).toThrow(RangeError);
    expect(() => estimateRideSeconds(1000, -5)).toThrow(RangeError);
    expect(() => estimateRideSeconds(-1)).toThrow(RangeError);
  });
});
