import { distance } from '@turf/distance';

export interface LatLng {
  lat: number;
  lng: number;
}

/**
 * The port for route distances. The default estimates from the straight line; an adapter for a
 * real router (OSRM or Valhalla with a bicycle profile) can replace it without touching pricing.
 */
export interface Router {
  /** Cycling distance from `from` to `to`, in whole metres. */
  distanceMeters(from: LatLng, to: LatLng): Promise<number>;
}

/**
 * How much longer a ride through the streets is than the straight line. Street networks are
 * circuitous: studies of road-network circuity commonly report network distance at roughly
 * 1.2–1.4 × the great-circle distance for trips of a few kilometres in European cities. A cyclist
 * adds detours around one-way streets, tram-only corridors, the A72/N88 and the steepest climbs
 * of Saint-Étienne's hills, so we take 1.3: a middle estimate that neither undercharges
 * cross-town trips nor inflates short ones much.
 */
export const CYCLING_DETOUR_FACTOR = 1.3;

/**
 * Average speed of a loaded cargo bike, stops included. Electric-assist cargo bikes cruise at
 * 20–25 km/h on the flat, but Saint-Étienne is hilly (hundreds of metres of relief between the
 * Furan valley and the outer districts), and traffic lights, loading and finding the door eat
 * into the average: 15 km/h is what an urban courier sustains door to door.
 */
export const CARGO_BIKE_SPEED_KMH = 15;

/** Great-circle (haversine) distance × CYCLING_DETOUR_FACTOR, rounded up to the metre. */
export class GreatCircleRouter implements Router {
  constructor(private readonly detourFactor: number = CYCLING_DETOUR_FACTOR) {
    if (!Number.isFinite(detourFactor) || detourFactor < 1) throw new RangeError(`detourFactor must be at least 1, got ${detourFactor}.`);
  }

  async distanceMeters(from: LatLng, to: LatLng): Promise<number> {
    return Math.ceil(greatCircleMeters(from, to) * this.detourFactor);
  }
}

/** The straight-line distance over the Earth's surface, in metres (not rounded). */
export function greatCircleMeters(from: LatLng, to: LatLng): number {
  return distance([from.lng, from.lat], [to.lng, to.lat], { units: 'meters' });
}

/** Riding time for a distance at an average speed, in whole seconds (rounded up). */
export function estimateRideSeconds(distanceMeters: number, speedKmh: number = CARGO_BIKE_SPEED_KMH): number {
  if (!Number.isFinite(distanceMeters) || distanceMeters < 0) throw new RangeError(`distanceMeters must be a non-negative number, got ${distanceMeters}.`);
  if (!Number.isFinite(speedKmh) || speedKmh <= 0) throw new RangeError(`speedKmh must be a positive number, got ${speedKmh}.`);
  return Math.ceil((distanceMeters * 3.6) / speedKmh);
}
