import { CYCLING_DETOUR_FACTOR, greatCircleMeters, type LatLng } from './router.js';

/**
 * Travel times and distances between every pair of a set of places, for the route planner: the
 * port, its default (great-circle × detour factor at a speed per profile), an OSRM client (its
 * `table` service) when `ROUTER_URL` is set, and a cache per set of places.
 */
export interface TravelMatrix {
  /** Row-major: `durations[from * n + to]` in seconds, `distances[…]` in metres. */
  durations: number[];
  distances: number[];
}

export interface MatrixRouter {
  matrix(places: readonly LatLng[], profile: SpeedProfile): Promise<TravelMatrix>;
}

export const speedProfiles = ['cargo_bike', 'e_cargo_bike', 'bike_trailer', 'bike', 'on_foot'] as const;
export type SpeedProfile = (typeof speedProfiles)[number];

/**
 * Average speeds door to door, stops at lights and the last metres on foot included, in a hilly
 * city (Saint-Étienne spans some 400 m of relief):
 * - `cargo_bike` 15 km/h: the figure the pricing and ETAs already use (shared/geo/router.ts,
 *   CARGO_BIKE_SPEED_KMH), what an urban courier sustains loaded;
 * - `e_cargo_bike` 17 km/h: electric assist holds the speed on climbs, but the legal assist stops at
 *   25 km/h and the bike is heavy: a couple of km/h over the unassisted one;
 * - `bike_trailer` 13 km/h: a trailer slows the climbs and the turns;
 * - `bike` 18 km/h: an unloaded city bike, the usual urban cycling average;
 * - `on_foot` 4.5 km/h: a walking pace with a bag.
 * The detour factor is the pricing's (1.3, see router.ts). A real router (`ROUTER_URL`) replaces
 * the straight lines; its durations are then scaled from its own bike speed to the profile's.
 */
export const PROFILE_SPEED_KMH: Record<SpeedProfile, number> = { cargo_bike: 15, e_cargo_bike: 17, bike_trailer: 13, bike: 18, on_foot: 4.5 };

export class GreatCircleMatrix implements MatrixRouter {
  async matrix(places: readonly LatLng[], profile: SpeedProfile): Promise<TravelMatrix> {
    const n = places.length;
    const durations = new Array<number>(n * n).fill(0);
    const distances = new Array<number>(n * n).fill(0);
    const metresPerSecond = PROFILE_SPEED_KMH[profile] / 3.6;
    for (let from = 0; from < n; from += 1) {
      for (let to = 0; to < n; to += 1) {
        if (from === to) continue;
        const metres = Math.ceil(greatCircleMeters(places[from] as LatLng, places[to] as LatLng) * CYCLING_DETOUR_FACTOR);
        distances[from * n + to] = metres;
        durations[from * n + to] = Math.ceil(metres / metresPerSecond);
      }
    }
    return { durations, distances };
  }
}

export class RouterUnavailableError extends Error {}

/**
 * OSRM's table service (`GET /table/v1/{profile}/{lng,lat;…}?annotations=duration,distance`),
 * with its `bike` profile for bikes and `foot` on foot. OSRM's bike profile rides at about 15 km/h
 * on the flat; its durations are scaled to the profile's speed. A missing pair (`null`: no route)
 * falls back to the straight line's estimate for that pair.
 */
export class OsrmMatrix implements MatrixRouter {
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #fallback = new GreatCircleMatrix();
  static readonly OSRM_BIKE_KMH = 15;

  constructor(baseUrl: string, options: { timeoutMs?: number } = {}) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async matrix(places: readonly LatLng[], profile: SpeedProfile): Promise<TravelMatrix> {
    const n = places.length;
    if (n <= 1) return { durations: new Array<number>(n * n).fill(0), distances: new Array<number>(n * n).fill(0) };
    const coordinates = places.map((place) => `${place.lng.toFixed(6)},${place.lat.toFixed(6)}`).join(';');
    const url = `${this.#baseUrl}/table/v1/${profile === 'on_foot' ? 'foot' : 'bike'}/${coordinates}?annotations=duration,distance`;
    let body: { code?: string; durations?: Array<Array<number | null>>; distances?: Array<Array<number | null>> };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
      if (!response.ok) throw new RouterUnavailableError(`The router answered HTTP ${response.status}.`);
      body = (await response.json()) as typeof body;
    } catch (error) {
      if (error instanceof RouterUnavailableError) throw error;
      throw new RouterUnavailableError('The router could not be reached.', { cause: error });
    }
    if (body.code !== 'Ok' || !Array.isArray(body.durations) || body.durations.length !== n) throw new RouterUnavailableError(`The router answered ${String(body.code)}.`);
    const straight = await this.#fallback.matrix(places, profile);
    const scale = profile === 'on_foot' ? 1 : OsrmMatrix.OSRM_BIKE_KMH / PROFILE_SPEED_KMH[profile];
    const durations = new Array<number>(n * n).fill(0);
    const distances = new Array<number>(n * n).fill(0);
    for (let from = 0; from < n; from += 1) {
      for (let to = 0; to < n; to += 1) {
        const index = from * n + to;
        const duration = body.durations[from]?.[to];
        const distance = body.distances?.[from]?.[to];
        durations[index] = typeof duration === 'number' && Number.isFinite(duration) && duration >= 0 ? Math.ceil(duration * scale) : (straight.durations[index] as number);
        distances[index] = typeof distance === 'number' && Number.isFinite(distance) && distance >= 0 ? Math.ceil(distance) : (straight.distances[index] as number);
      }
    }
    return { durations, distances };
  }
}

/**
 * Matrices kept per set of places and profile (the same day planned again asks for the same
 * places): at most `size` of them, the least recently used one dropped first.
 */
export class CachedMatrix implements MatrixRouter {
  readonly #inner: MatrixRouter;
  readonly #size: number;
  readonly #entries = new Map<string, Promise<TravelMatrix>>();
  hits = 0;
  misses = 0;

  constructor(inner: MatrixRouter, size = 32) {
    this.#inner = inner;
    this.#size = size;
  }

  async matrix(places: readonly LatLng[], profile: SpeedProfile): Promise<TravelMatrix> {
    const key = `${profile}|${places.map((place) => `${place.lat.toFixed(6)},${place.lng.toFixed(6)}`).join(';')}`;
    const known = this.#entries.get(key);
    if (known) {
      this.hits += 1;
      this.#entries.delete(key);
      this.#entries.set(key, known);
      return known;
    }
    this.misses += 1;
    const computed = this.#inner.matrix(places, profile);
    this.#entries.set(key, computed);
    computed.catch(() => this.#entries.delete(key));
    while (this.#entries.size > this.#size) this.#entries.delete(this.#entries.keys().next().value as string);
    return computed;
  }
}

let active: MatrixRouter | undefined;

/** The planner's travel matrices: OSRM when `ROUTER_URL` is set, else the straight-line estimate; cached. */
export function activeMatrixRouter(): MatrixRouter {
  active ??= new CachedMatrix(process.env.ROUTER_URL ? new OsrmMatrix(process.env.ROUTER_URL) : new GreatCircleMatrix());
  return active;
}

/** Tests swap it. */
export function setMatrixRouter(router: MatrixRouter | undefined): void {
  active = router;
}
