import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedMatrix, GreatCircleMatrix, OsrmMatrix, PROFILE_SPEED_KMH, RouterUnavailableError } from '../../shared/geo/matrix.js';

const places = [
  { lat: 45.4375, lng: 4.3861 },
  { lat: 45.4412, lng: 4.3866 },
  { lat: 45.388, lng: 4.288 },
];

/** A local stub that speaks OSRM's table API: durations and distances from the coordinates, null where asked. */
let server: Server;
let base = '';
const asked: string[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    asked.push(request.url ?? '');
    const match = /^\/table\/v1\/(bike|foot)\/([^?]+)\?annotations=duration,distance$/.exec(request.url ?? '');
    if (!match) {
      response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'InvalidUrl' }));
      return;
    }
    const coordinates = (match[2] as string).split(';').map((pair) => pair.split(',').map(Number));
    const n = coordinates.length;
    const grid = (value: (from: number, to: number) => number | null) => Array.from({ length: n }, (_, from) => Array.from({ length: n }, (_, to) => value(from, to)));
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        code: 'Ok',
        durations: grid((from, to) => (from === 0 && to === 2 ? null : Math.abs(from - to) * 100.4)),
        distances: grid((from, to) => Math.abs(from - to) * 1000.2),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the travel matrices of the planner', () => {
  it('estimates from the straight line at the profile’s speed: zero on the diagonal, slower on foot', async () => {
    const bike = await new GreatCircleMatrix().matrix(places, 'cargo_bike');
    const foot = await new GreatCircleMatrix().matrix(places, 'on_foot');
    expect([bike.durations[0], bike.durations[4], bike.durations[8]]).toEqual([0, 0, 0]);
    expect(bike.distances[1]).toBeGreaterThan(400);
    expect(bike.durations[1]).toBe(Math.ceil((bike.distances[1] as number) / (PROFILE_SPEED_KMH.cargo_bike / 3.6)));
    expect(foot.durations[1]).toBeGreaterThan(bike.durations[1] as number);
  });

  it('reads OSRM’s table service, scales its bike durations to the profile, and falls back pair by pair where it has no route', async () => {
    const matrix = await new OsrmMatrix(base).matrix(places, 'bike_trailer');
    expect(asked.at(-1)).toBe('/table/v1/bike/4.386100,45.437500;4.386600,45.441200;4.288000,45.388000?annotations=duration,distance');
    expect(matrix.durations[1]).toBe(Math.ceil(100.4 * (OsrmMatrix.OSRM_BIKE_KMH / PROFILE_SPEED_KMH.bike_trailer)));
    expect(matrix.distances[1]).toBe(1001);
    const straight = await new GreatCircleMatrix().matrix(places, 'bike_trailer');
    expect(matrix.durations[2]).toBe(straight.durations[2]);
    await new OsrmMatrix(base).matrix(places, 'on_foot');
    expect(asked.at(-1)).toMatch(/^\/table\/v1\/foot\//);
  });

  it('says the router is unavailable when it cannot answer', async () => {
    await expect(new OsrmMatrix('http://127.0.0.1:9').matrix(places, 'bike')).rejects.toBeInstanceOf(RouterUnavailableError);
    await expect(new OsrmMatrix(`${base}/nowhere`).matrix(places, 'bike')).rejects.toBeInstanceOf(RouterUnavailableError);
  });

  it('asks once per set of places and profile', async () => {
    const before = asked.length;
    const cached = new CachedMatrix(new OsrmMatrix(base), 2);
    await cached.matrix(places, 'bike');
    await cached.matrix([...places], 'bike');
    await cached.matrix(places, 'cargo_bike');
    expect(asked.length - before).toBe(2);
    expect([cached.hits, cached.misses]).toEqual([1, 2]);
  });
});
