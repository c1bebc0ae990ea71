import { describe, expect, it } from 'vitest';
import {
  CARGO_BIKE_SPEED_KMH,
  CYCLING_DETOUR_FACTOR,
  estimateRideSeconds,
  greatCircleMeters,
  GreatCircleRouter,
  type LatLng,
} from '../../shared/geo/router.js';

const hotelDeVille: LatLng = { lat: 45.4397, lng: 4.3872 }; // Saint-Étienne, Hôtel de Ville
const firminy: LatLng = { lat: 45.388, lng: 4.288 };
const lyon: LatLng = { lat: 45.764, lng: 4.8357 };

/** Relative difference, for "within a few percent" checks against hand-computed values. */
const off = (actual: number, expected: number) => Math.abs(actual - expected) / expected;

describe('GreatCircleRouter', () => {
  const router = new GreatCircleRouter();

  it('Saint-Étienne to Firminy: about 9.6 km as the crow flies, about 12.5 km by bike', async () => {
    // Haversine on a 6371 km sphere gives 9 644 m; × 1.3 = 12 537 m.
    expect(off(greatCircleMeters(hotelDeVille, firminy), 9644)).toBeLessThan(0.02);
    const meters = await router.distanceMeters(hotelDeVille, firminy);
    expect(off(meters, 9644 * 1.3)).toBeLessThan(0.02);
  });

  it('Saint-Étienne to Lyon: about 50 km straight, about 65 km by bike', async () => {
    expect(off(greatCircleMeters(hotelDeVille, lyon), 50_178)).toBeLessThan(0.02);
    expect(off(await router.distanceMeters(hotelDeVille, lyon), 65_231)).toBeLessThan(0.02);
  });

  it('applies the detour factor to the great-circle distance and rounds up to the metre', async () => {
    const meters = await router.distanceMeters(hotelDeVille, firminy);
    expect(Number.isInteger(meters)).toBe(true);
    expect(meters).toBe(Math.ceil(greatCircleMeters(hotelDeVille, firminy) * CYCLING_DETOUR_FACTOR));
    expect(CYCLING_DETOUR_FACTOR).toBe(1.3);
  });

  it('is symmetric and zero for the same point', async () => {
    expect(await router.distanceMeters(firminy, hotelDeVille)).toBe(await router.distanceMeters(hotelDeVille, firminy));
    expect(await router.distanceMeters(hotelDeVille, hotelDeVille)).toBe(0);
  });

  it('takes another detour factor, never below 1', async () => {
    expect(await new GreatCircleRouter(1).distanceMeters(hotelDeVille, firminy)).toBe(Math.ceil(greatCircleMeters(hotelDeVille, firminy)));
    expect(() => new GreatCircleRouter(0.9)).toThrow(RangeError);
  });
});

describe('estimateRideSeconds', () => {
  it('rides a kilometre in 4 minutes at the cargo-bike default of 15 km/h', () => {
    expect(CARGO_BIKE_SPEED_KMH).toBe(15);
    expect(estimateRideSeconds(1000)).toBe(240);
    expect(estimateRideSeconds(12_537)).toBe(3009); // 3008.88 s, rounded up
  });

  it('uses the given speed and rounds up to the second', () => {
    expect(estimateRideSeconds(1000, 20)).toBe(180);
    expect(estimateRideSeconds(1, 15)).toBe(1);
    expect(estimateRideSeconds(0)).toBe(0);
  });

  it('refuses a zero or negative speed and a negative distance', () => {
    expect(() => estimateRideSeconds(1000, 0)).toThrow(RangeError);
    expect(() => estimateRideSeconds(1000, -5)).toThrow(RangeError);
    expect(() => estimateRideSeconds(-1)).toThrow(RangeError);
  });
});
