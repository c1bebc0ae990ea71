import { BanGeocoder, type Geocoder } from './geocoder.js';
import { GreatCircleRouter, type Router } from './router.js';

let router: Router | undefined;
let geocoder: Geocoder | undefined | null;

/** The routing adapter: great-circle × detour factor until an OSRM/Valhalla adapter is configured. */
export function activeRouter(): Router {
  router ??= new GreatCircleRouter();
  return router;
}

/**
 * The geocoding adapter: the national address API when `GEOCODER=ban` (base URL from
 * `GEOCODER_BASE_URL`), none otherwise, so nothing leaves the machine by surprise.
 */
export function activeGeocoder(): Geocoder | undefined {
  if (geocoder === undefined) {
    geocoder = process.env.GEOCODER === 'ban' ? new BanGeocoder(process.env.GEOCODER_BASE_URL ? { baseUrl: process.env.GEOCODER_BASE_URL } : {}) : null;
  }
  return geocoder ?? undefined;
}

/** Tests swap the adapters. */
export function setAdapters(adapters: { router?: Router; geocoder?: Geocoder | null }): void {
  if (adapters.router !== undefined) router = adapters.router;
  if (adapters.geocoder !== undefined) geocoder = adapters.geocoder;
}
