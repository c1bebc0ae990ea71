import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { Address } from '../../shared/schemas/common.js';
import {
  BAN_DEFAULT_BASE_URL,
  BanGeocoder,
  GeocoderUnavailableError,
  resolveCoordinates,
  type Geocoder,
} from '../../shared/geo/geocoder.js';

/** Response bodies in the BAN / Géoplateforme format (GeoCodeJSON), served as recorded. */
const fixture = (name: string) => readFileSync(new URL(`../fixtures/ban/${name}.json`, import.meta.url), 'utf8');

interface Reply {
  status: number;
  body: string;
  delayMs?: number;
}

let server: Server;
let baseUrl: string;
let reply: Reply;
let requests: URL[];

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(new URL(request.url ?? '/', 'http://127.0.0.1'));
    const send = () => {
      response.writeHead(reply.status, { 'content-type': reply.status === 200 ? 'application/json; charset=utf-8' : 'text/html' });
      response.end(reply.body);
    };
    if (reply.delayMs === undefined) send();
    else setTimeout(send, reply.delayMs).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/geocodage`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  reply = { status: 200, body: fixture('empty') };
});

const michelet = { line1: '12 Rue Michelet', postcode: '42000', city: 'Saint-Étienne' };

describe('BanGeocoder', () => {
  it('defaults to the Géoplateforme, where the API Adresse now lives', () => {
    expect(BAN_DEFAULT_BASE_URL).toBe('https://data.geopf.fr/geocodage');
  });

  it('asks /search for one result, filtered on the postcode, without autocompletion', async () => {
    await new BanGeocoder({ baseUrl }).geocode(michelet);
    expect(requests).toHaveLength(1);
    const [sent] = requests;
    expect(sent?.pathname).toBe('/geocodage/search');
    expect(sent?.searchParams.get('q')).toBe('12 Rue Michelet 42000 Saint-Étienne');
    expect(sent?.searchParams.get('postcode')).toBe('42000');
    expect(sent?.searchParams.get('limit')).toBe('1');
    expect(sent?.searchParams.get('autocomplete')).toBe('0');
  });

  it('accepts a base URL with a trailing slash', async () => {
    await new BanGeocoder({ baseUrl: `${baseUrl}/` }).geocode(michelet);
    expect(requests[0]?.pathname).toBe('/geocodage/search');
  });

  it('reads [lng, lat] from a good house-number match', async () => {
    reply = { status: 200, body: fixture('housenumber-saint-etienne') };
    expect(await new BanGeocoder({ baseUrl }).geocode(michelet)).toEqual({ lat: 45.437561, lng: 4.388214 });
  });

  it('rejects a match scoring below 0.5, unless configured lower', async () => {
    reply = { status: 200, body: fixture('low-score') };
    const address = { line1: '3 chemin des Lilas du Haut', postcode: '42000', city: 'Saint-Étienne' };
    expect(await new BanGeocoder({ baseUrl }).geocode(address)).toBeUndefined();
    expect(await new BanGeocoder({ baseUrl, minScore: 0.3 }).geocode(address)).toEqual({ lat: 45.425383, lng: 4.392106 });
  });

  it('rejects a match in another postcode', async () => {
    reply = { status: 200, body: fixture('housenumber-saint-etienne') };
    expect(await new BanGeocoder({ baseUrl }).geocode({ ...michelet, postcode: '42100' })).toBeUndefined();
  });

  it('rejects a match on the whole municipality: the town hall is not the door', async () => {
    reply = { status: 200, body: fixture('municipality') };
    const address = { line1: 'Lieu-dit Inconnu', postcode: '42000', city: 'Saint-Étienne' };
    expect(await new BanGeocoder({ baseUrl }).geocode(address)).toBeUndefined();
    expect(await new BanGeocoder({ baseUrl, acceptedTypes: ['housenumber', 'municipality'] }).geocode(address)).toEqual({
      lat: 45.439695,
      lng: 4.387197,
    });
  });

  it('answers undefined when nothing matches', async () => {
    reply = { status: 200, body: fixture('empty') };
    expect(await new BanGeocoder({ baseUrl }).geocode(michelet)).toBeUndefined();
  });

  it('throws GeocoderUnavailableError on a server error', async () => {
    reply = { status: 500, body: '<html><body>Internal Server Error</body></html>' };
    await expect(new BanGeocoder({ baseUrl }).geocode(michelet)).rejects.toThrow(GeocoderUnavailableError);
    reply = { status: 429, body: 'Too Many Requests' };
    await expect(new BanGeocoder({ baseUrl }).geocode(michelet)).rejects.toThrow('HTTP 429');
  });

  it('throws GeocoderUnavailableError when the service is too slow', async () => {
    reply = { status: 200, body: fixture('housenumber-saint-etienne'), delayMs: 2000 };
    const started = Date.now();
    await expect(new BanGeocoder({ baseUrl, timeoutMs: 100 }).geocode(michelet)).rejects.toThrow(/did not answer within 100 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('throws GeocoderUnavailableError when nothing listens, or the answer is not GeoCodeJSON', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(new BanGeocoder({ baseUrl: `http://127.0.0.1:${port}` }).geocode(michelet)).rejects.toThrow(GeocoderUnavailableError);

    reply = { status: 200, body: '<!doctype html><title>maintenance</title>' };
    await expect(new BanGeocoder({ baseUrl }).geocode(michelet)).rejects.toThrow(GeocoderUnavailableError);
    reply = { status: 200, body: JSON.stringify({ type: 'FeatureCollection', features: [{ geometry: null, properties: {} }] }) };
    await expect(new BanGeocoder({ baseUrl }).geocode(michelet)).rejects.toThrow('unexpected format');
  });

  it('holds the answer to the API\'s own coordinate schemas: a position the table cannot store is a malformed answer, never a match', async () => {
    const answering = (coordinates: unknown[]) => {
      const body = JSON.parse(fixture('housenumber-saint-etienne'));
      body.features[0].geometry.coordinates = coordinates;
      return { status: 200, body: JSON.stringify(body) };
    };
    // In range, so the old check let it through; but DynamoDB stores nothing this close to 0.
    reply = answering([4.388214, 1e-200]);
    await expect(new BanGeocoder({ baseUrl }).geocode(michelet)).rejects.toThrow('unexpected format');
    reply = answering([1e-131, 45.437561]);
    await expect(new BanGeocoder({ baseUrl }).geocode(michelet)).rejects.toThrow('unexpected format');
    reply = answering([4.388214, 91]);
    await expect(new BanGeocoder({ baseUrl }).geocode(michelet)).rejects.toThrow('unexpected format');
    // The equator and the Greenwich meridian are real places.
    reply = answering([0, 0]);
    expect(await new BanGeocoder({ baseUrl }).geocode(michelet)).toEqual({ lat: 0, lng: 0 });
  });
});

describe('resolveCoordinates', () => {
  const failing: Geocoder = {
    geocode: async () => {
      throw new Error('must not be called');
    },
  };
  const found = (lat: number, lng: number): Geocoder => ({ geocode: async () => ({ lat, lng }) });
  const nothing: Geocoder = { geocode: async () => undefined };

  const rejection = async (promise: Promise<unknown>): Promise<AppError> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected an AppError');
  };

  it('keeps the coordinates the address already has, without asking the geocoder', async () => {
    expect(await resolveCoordinates({ ...michelet, lat: 45.44, lng: 4.39 }, failing, 'pickup.address')).toEqual({ lat: 45.44, lng: 4.39 });
    expect(await resolveCoordinates({ ...michelet, lat: 45.44, lng: 4.39 }, undefined, 'pickup.address')).toEqual({ lat: 45.44, lng: 4.39 });
  });

  it('geocodes an address without coordinates, as the API schema parses it', async () => {
    const address: Address = Address.parse({ ...michelet, line2: '3e étage' });
    expect(await resolveCoordinates(address, found(45.4376, 4.3882), 'dropoff.address')).toEqual({ lat: 45.4376, lng: 4.3882 });
  });

  it('answers 422 address_not_geocoded on the given param when no geocoder is configured', async () => {
    const error = await rejection(resolveCoordinates(michelet, undefined, 'pickup.address'));
    expect(error).toMatchObject({ code: 'address_not_geocoded', param: 'pickup.address', status: 422, type: 'unprocessable' });
  });

  it('says, at the first refusal, what to do without a geocoder: give lat/lng, or have the address service turned on', async () => {
    const { message } = await rejection(resolveCoordinates(michelet, undefined, 'dropoff.address'));
    expect(message).toMatch(/^dropoff\.address has no lat\/lng/);
    expect(message).toContain('Give lat and lng');
    expect(message).toContain('ask the hub to turn the address service on');
    expect(message).toContain('GEOCODER=ban npm start');
    expect((await rejection(resolveCoordinates(michelet, nothing, 'dropoff.address'))).message).toContain('check the street, postcode and city, or give lat and lng');
  });

  it('answers 422 address_not_geocoded when the geocoder finds nothing trustworthy', async () => {
    const error = await rejection(resolveCoordinates(michelet, nothing, 'dropoff.address'));
    expect(error).toMatchObject({ code: 'address_not_geocoded', param: 'dropoff.address', status: 422 });
  });

  it('lets a geocoder outage through, for the caller to answer as unavailable rather than 422', async () => {
    reply = { status: 503, body: 'Service Unavailable' };
    await expect(resolveCoordinates(michelet, new BanGeocoder({ baseUrl }), 'pickup.address')).rejects.toThrow(GeocoderUnavailableError);
  });
});
