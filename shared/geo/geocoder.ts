import * as z from 'zod';
import { Latitude, Longitude } from '../schemas/common.js';
import type { LatLng } from './router.js';
import { geocodingErrors } from './errors.js';


export interface GeocodableAddress {
  line1: string;
  postcode: string;
  city: string;
}

/** An address a search proposes, precise enough to ride to. */
export interface AddressCandidate {
  label: string;
  line1: string;
  postcode: string;
  city: string;
  lat: number;
  lng: number;
  score: number;
}

/** The port for geocoding: an address to coordinates, or `undefined` when nothing matches well. */
export interface Geocoder {
  /** @throws GeocoderUnavailableError when the service cannot answer (network, timeout, 5xx...). */
  geocode(address: GeocodableAddress): Promise<LatLng | undefined>;
  /** Addresses matching what a person typed (a form's search field), best first. */
  search?(text: string, limit: number): Promise<AddressCandidate[]>;
}

/** The geocoder could not be asked (as opposed to "it found nothing"): worth a retry later. */
export class GeocoderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GeocoderUnavailableError';
  }
}

/**
 * The Base Adresse Nationale's geocoder. The "API Adresse" (api-adresse.data.gouv.fr) moved to
 * IGN's Géoplateforme, which serves the same API at https://data.geopf.fr/geocodage
 * (`GET /search?q=&postcode=&limit=`, a GeoJSON FeatureCollection whose features carry
 * `geometry.coordinates = [lng, lat]` and `properties.score` 0..1, `type`, `postcode`...). The old
 * host was announced to stop answering at the end of January 2026. A self-hosted addok/BAN instance answers the
 * same format: pass its `baseUrl`.
 */
export const BAN_DEFAULT_BASE_URL = 'https://data.geopf.fr/geocodage';

export interface BanGeocoderOptions {
  /** The service root; `/search` is appended. Default: the Géoplateforme. */
  baseUrl?: string;
  /** Results scoring below this are not trusted. Default 0.5. */
  minScore?: number;
  /** Default 3000 ms. */
  timeoutMs?: number;
  /**
   * Result types precise enough to ride to. Default: housenumber, street, locality. A
   * `municipality` match would put the stop on the town hall, kilometres from the door.
   */
  acceptedTypes?: readonly string[];
}

/**
 * Only the fields we read; everything else the service adds is ignored. The position is held to
 * the API's own coordinate schemas: what the service answers is stored with the delivery, so it
 * must be a position the table can store (a 1e-200 would fail the booking's write after the
 * fact, a 500), not just a number in range.
 */
const BanResponse = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      geometry: z.object({ type: z.literal('Point'), coordinates: z.tuple([Longitude, Latitude]).rest(z.number()) }),
      properties: z.object({ score: z.number(), postcode: z.string().optional(), type: z.string().optional(), label: z.string().optional(), name: z.string().optional(), city: z.string().optional() }),
    }),
  ),
});

export class BanGeocoder implements Geocoder {
  private readonly searchUrl: string;
  private readonly minScore: number;
  private readonly timeoutMs: number;
  private readonly acceptedTypes: ReadonlySet<string>;

  constructor(options: BanGeocoderOptions = {}) {
    const base = options.baseUrl ?? BAN_DEFAULT_BASE_URL;
    this.searchUrl = new URL('search', base.endsWith('/') ? base : `${base}/`).toString();
    this.minScore = options.minScore ?? 0.5;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.acceptedTypes = new Set(options.acceptedTypes ?? ['housenumber', 'street', 'locality']);
  }

  /** Keystrokes of a search field: autocompletion on, only addresses precise enough to ride to. */
  async search(text: string, limit: number): Promise<AddressCandidate[]> {
    const url = new URL(this.searchUrl);
    url.searchParams.set('q', text);
    url.searchParams.set('limit', String(limit));
    url.searchParams.set('autocomplete', '1');
    const parsed = await this.ask(url);
    return parsed.features.flatMap((feature) => {
      const { score, postcode, type, label, name, city } = feature.properties;
      if ((type !== undefined && !this.acceptedTypes.has(type)) || !postcode || !name || !city) return [];
      const [lng, lat] = feature.geometry.coordinates;
      return [{ label: label ?? `${name} ${postcode} ${city}`, line1: name, postcode, city, lat, lng, score }];
    });
  }

  private async ask(url: URL): Promise<z.output<typeof BanResponse>> {
    let body: unknown;
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
      if (!response.ok) {
        await response.body?.cancel();
        throw new GeocoderUnavailableError(`The geocoder answered HTTP ${response.status}.`);
      }
      body = await response.json();
    } catch (error) {
      if (error instanceof GeocoderUnavailableError) throw error;
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new GeocoderUnavailableError(timedOut ? `The geocoder did not answer within ${this.timeoutMs} ms.` : 'The geocoder could not be reached.', {
        cause: error,
      });
    }
    const parsed = BanResponse.safeParse(body);
    if (!parsed.success) throw new GeocoderUnavailableError('The geocoder answered in an unexpected format.', { cause: parsed.error });
    return parsed.data;
  }

  async geocode(address: GeocodableAddress): Promise<LatLng | undefined> {
    const url = new URL(this.searchUrl);
    // The postcode goes in `q` too: the score compares q with the result's full label.
    url.searchParams.set('q', `${address.line1} ${address.postcode} ${address.city}`);
    url.searchParams.set('postcode', address.postcode);
    url.searchParams.set('limit', '1');
    // A full address, not keystrokes: autocompletion would only add prefix matches.
    url.searchParams.set('autocomplete', '0');
    const best = (await this.ask(url)).features[0];
    if (best === undefined) return undefined;
    const { score, postcode, type } = best.properties;
    if (score < this.minScore || postcode !== address.postcode) return undefined;
    if (type !== undefined && !this.acceptedTypes.has(type)) return undefined;
    const [lng, lat] = best.geometry.coordinates;
    return { lat, lng };
  }
}

/**
 * What a caller can do about an address without coordinates when the hub has no address
 * service: the first refusal says it, in plain words, so nobody has to read the docs to get past it.
 */
function noGeocoderMessage(param: string): string {
  return (
    `${param} has no lat/lng, and this hub has no address service turned on to find them. ` +
    'Give lat and lng with the address, or ask the hub to turn the address service on (on a local install: GEOCODER=ban npm start).'
  );
}

function notLocatedMessage(param: string): string {
  return `${param} could not be located reliably by the address service: check the street, postcode and city, or give lat and lng.`;
}

/**
 * The coordinates of an address: its own `lat`/`lng` when given, else the geocoder's answer.
 * No geocoder configured, or no trustworthy match → 422 `address_not_geocoded` on `param`
 * (e.g. `pickup.address`), saying what to do. A geocoder outage is not the caller's fault:
 * GeocoderUnavailableError propagates for the HTTP layer to answer accordingly.
 */
export async function resolveCoordinates(
  address: GeocodableAddress & { lat?: number | undefined; lng?: number | undefined },
  geocoder: Geocoder | undefined,
  param: string,
): Promise<LatLng> {
  if (address.lat !== undefined && address.lng !== undefined) return { lat: address.lat, lng: address.lng };
  if (geocoder === undefined) {
    throw geocodingErrors.error('address_not_geocoded', noGeocoderMessage(param), { param });
  }
  const found = await geocoder.geocode(address);
  if (found === undefined) {
    throw geocodingErrors.error('address_not_geocoded', notLocatedMessage(param), { param });
  }
  return found;
}
