import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import type { LatLng } from '../../shared/geo/router.js';
import {
  checkCapacity,
  defaultCapacity,
  defaultServiceArea,
  HubCapacity,
  isInServiceArea,
  ServiceArea,
} from '../../shared/geo/service-area.js';

const townCentres: Record<string, LatLng> = {
  'Saint-Étienne': { lat: 45.4397, lng: 4.3872 },
  'Saint-Chamond': { lat: 45.4753, lng: 4.5153 },
  Firminy: { lat: 45.388, lng: 4.288 },
  'Roche-la-Molière': { lat: 45.4314, lng: 4.3233 },
  'Saint-Genest-Lerpt': { lat: 45.4472, lng: 4.3364 },
  Villars: { lat: 45.4672, lng: 4.3553 },
  'La Talaudière': { lat: 45.4778, lng: 4.4286 },
  Sorbiers: { lat: 45.4914, lng: 4.4444 },
  'Saint-Jean-Bonnefonds': { lat: 45.4544, lng: 4.4428 },
  'Saint-Priest-en-Jarez': { lat: 45.4747, lng: 4.3767 },
  'La Fouillouse': { lat: 45.5025, lng: 4.3144 },
  'Andrézieux-Bouthéon': { lat: 45.5269, lng: 4.2608 },
  'Rive-de-Gier': { lat: 45.5283, lng: 4.6175 },
  Unieux: { lat: 45.4039, lng: 4.2697 },
  'Le Chambon-Feugerolles': { lat: 45.3947, lng: 4.3236 },
  'La Ricamarie': { lat: 45.4036, lng: 4.3692 },
  Planfoy: { lat: 45.3817, lng: 4.4475 },
  Rochetaillée: { lat: 45.4147, lng: 4.4328 },
};

const elsewhere: Record<string, LatLng> = {
  Lyon: { lat: 45.764, lng: 4.8357 },
  'Le Puy-en-Velay': { lat: 45.043, lng: 3.885 },
  Roanne: { lat: 46.036, lng: 4.068 },
  Paris: { lat: 48.8566, lng: 2.3522 },
  Montbrison: { lat: 45.6075, lng: 4.0653 },
  Annonay: { lat: 45.2398, lng: 4.6707 },
};

const square = (west: number, south: number, east: number, north: number) => [
  [west, south],
  [east, south],
  [east, north],
  [west, north],
  [west, south],
];

describe('the default service area (Saint-Étienne Métropole, approximately)', () => {
  it('is a valid ServiceArea with a simple outline', () => {
    expect(ServiceArea.parse(defaultServiceArea)).toEqual(defaultServiceArea);
    const vertices = defaultServiceArea.type === 'Polygon' ? (defaultServiceArea.coordinates[0]?.length ?? 0) - 1 : 0;
    expect(vertices).toBeGreaterThanOrEqual(15);
    expect(vertices).toBeLessThanOrEqual(30);
  });

  it.each(Object.entries(townCentres))('contains the centre of %s', (_name, point) => {
    expect(isInServiceArea(defaultServiceArea, point)).toBe(true);
  });

  it.each(Object.entries(elsewhere))('leaves out %s', (_name, point) => {
    expect(isInServiceArea(defaultServiceArea, point)).toBe(false);
  });
});

describe('isInServiceArea', () => {
  const unit = ServiceArea.parse({ type: 'Polygon', coordinates: [square(4, 45, 5, 46)] });

  it('counts a point on the boundary, or on a vertex, as inside', () => {
    expect(isInServiceArea(unit, { lng: 4.5, lat: 45 })).toBe(true);
    expect(isInServiceArea(unit, { lng: 4, lat: 46 })).toBe(true);
    expect(isInServiceArea(unit, { lng: 5.0001, lat: 45.5 })).toBe(false);
  });

  it('leaves out a hole and accepts any polygon of a MultiPolygon', () => {
    const withHole = ServiceArea.parse({ type: 'Polygon', coordinates: [square(4, 45, 5, 46), square(4.4, 45.4, 4.6, 45.6)] });
    expect(isInServiceArea(withHole, { lng: 4.5, lat: 45.5 })).toBe(false);
    expect(isInServiceArea(withHole, { lng: 4.2, lat: 45.2 })).toBe(true);
    const multi = ServiceArea.parse({ type: 'MultiPolygon', coordinates: [[square(4, 45, 5, 46)], [square(6, 45, 7, 46)]] });
    expect(isInServiceArea(multi, { lng: 6.5, lat: 45.5 })).toBe(true);
    expect(isInServiceArea(multi, { lng: 5.5, lat: 45.5 })).toBe(false);
  });
});

describe('ServiceArea schema', () => {
  const issuesOf = (input: unknown) => {
    const result = ServiceArea.safeParse(input);
    expect(result.success).toBe(false);
    return result.error?.issues ?? [];
  };

  it('rejects an open ring', () => {
    const open = square(4, 45, 5, 46).slice(0, 4).concat([[4, 45.5]]);
    expect(issuesOf({ type: 'Polygon', coordinates: [open] })).toEqual([
      expect.objectContaining({ path: ['coordinates', 0], message: expect.stringContaining('closed ring') }),
    ]);
  });

  it('rejects a ring of fewer than 4 positions', () => {
    expect(issuesOf({ type: 'Polygon', coordinates: [[[4, 45], [5, 45], [4, 45]]] })[0]?.path).toEqual(['coordinates', 0]);
  });

  it('rejects longitudes and latitudes out of range', () => {
    expect(issuesOf({ type: 'Polygon', coordinates: [square(179, 45, 181, 46)] })[0]?.path).toEqual(['coordinates', 0, 1, 0]);
    expect(issuesOf({ type: 'Polygon', coordinates: [square(4, -91, 5, 46)] })[0]?.path).toEqual(['coordinates', 0, 0, 1]);
  });

  it('rejects more than 10 000 positions in total', () => {
    const ring = Array.from({ length: 2_000 }, (_, index) => [4 + index / 10_000, 45 + (index % 2) / 100]);
    ring.push(ring[0] ?? [4, 45]);
    const issues = issuesOf({ type: 'MultiPolygon', coordinates: Array.from({ length: 5 }, () => [ring]) });
    expect(issues).toEqual([expect.objectContaining({ path: ['coordinates'], message: expect.stringContaining('10000') })]);
  });

  it('rejects other geometry types, empty polygons and unknown fields', () => {
    expect(issuesOf({ type: 'Point', coordinates: [4, 45] })[0]?.path).toEqual(['type']);
    expect(issuesOf({ type: 'Polygon', coordinates: [] })[0]?.path).toEqual(['coordinates']);
    expect(issuesOf({ type: 'Polygon', coordinates: [square(4, 45, 5, 46)], properties: {} })[0]?.code).toBe('unrecognized_keys');
  });
});

describe('capacity', () => {
  const refusal = (parcels: Parameters<typeof checkCapacity>[1]): AppError => {
    try {
      checkCapacity(defaultCapacity, parcels);
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected exceeds_capacity');
  };

  it('defaults to one cargo-bike load, which the schema accepts', () => {
    expect(HubCapacity.parse(defaultCapacity)).toEqual({ maxWeightKg: 150, maxVolumeLiters: 600 });
    expect(HubCapacity.safeParse({ maxWeightKg: 0, maxVolumeLiters: 600 }).success).toBe(false);
    expect(HubCapacity.safeParse({ maxWeightKg: 1001, maxVolumeLiters: 600 }).success).toBe(false);
    expect(HubCapacity.safeParse({ maxWeightKg: 150, maxVolumeLiters: 5001 }).success).toBe(false);
  });

  it('accepts a load exactly at both limits', () => {
    expect(() => checkCapacity(defaultCapacity, [{ weightKg: 100 }, { weightKg: 50, lengthCm: 100, widthCm: 100, heightCm: 60 }])).not.toThrow();
  });

  it('refuses parcels over the weight limit, with the total and the limit in the message', () => {
    const error = refusal([{ weightKg: 100 }, { weightKg: 50.5 }]);
    expect(error).toMatchObject({ code: 'exceeds_capacity', param: 'parcels', status: 422 });
    expect(error.message).toContain('150.5 kg');
    expect(error.message).toContain('150 kg');
  });

  it('refuses parcels over the volume limit, counting only fully measured parcels', () => {
    const error = refusal([
      { weightKg: 10, lengthCm: 100, widthCm: 80, heightCm: 50 },
      { weightKg: 10, lengthCm: 100, widthCm: 80, heightCm: 40 },
    ]);
    expect(error).toMatchObject({ code: 'exceeds_capacity', param: 'parcels' });
    expect(error.message).toContain('720 L');
    expect(error.message).toContain('600 L');
    expect(() => checkCapacity(defaultCapacity, [{ weightKg: 10, lengthCm: 1000, widthCm: 1000 }])).not.toThrow();
  });

  it('names both limits when both are exceeded', () => {
    const error = refusal([{ weightKg: 200, lengthCm: 100, widthCm: 100, heightCm: 100 }]);
    expect(error.message).toContain('200 kg');
    expect(error.message).toContain('1000 L');
  });
});
