/**
 * A synthetic day of the cooperative, for the benchmark and the tests: seeded, so the same seed
 * gives the same day. About 120 stops around the hub in the centre of Saint-Étienne: deliveries
 * from shops to customers (pickup-and-delivery pairs), parcels kept at the hub and delivered in
 * their slot, and collections for the ressourcerie brought back to the hub; six couriers with
 * their shifts, lunch or short breaks, cargo bikes with a capacity in kg and litres (one with a
 * trailer), all allowed to come back to the hub to reload.
 *
 * Travel: great-circle distance × the cycling detour factor, at the cargo bike's average speed
 * (`shared/geo/router.ts`: 1.3 and 15 km/h, where the values come from is documented there).
 */
import { CARGO_BIKE_SPEED_KMH, CYCLING_DETOUR_FACTOR } from '../geo/router.js';
import type { Job, Problem, Vehicle } from './problem.js';
import { Random } from './random.js';

export interface LatLng {
  lat: number;
  lng: number;
}

/** The hub: place de l'Hôtel de Ville, Saint-Étienne. */
export const HUB: LatLng = { lat: 45.4397, lng: 4.3872 };

const EARTH_RADIUS_METRES = 6_371_008.8;

/** Great-circle (haversine) distance in metres. */
export function haversineMetres(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Travel matrices between places: distance = great circle × detour factor (metres), duration =
 * distance at `speedKmh` (seconds), both rounded to the unit as a router would answer.
 */
export function bikeMatrices(places: readonly LatLng[], detourFactor = CYCLING_DETOUR_FACTOR, speedKmh = CARGO_BIKE_SPEED_KMH): { durations: Float64Array; distances: Float64Array } {
  const n = places.length;
  const distances = new Float64Array(n * n);
  const durations = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      if (i === j) continue;
      const metres = Math.ceil(haversineMetres(places[i] as LatLng, places[j] as LatLng) * detourFactor);
      distances[i * n + j] = metres;
      durations[i * n + j] = Math.ceil((metres * 3.6) / speedKmh);
    }
  }
  return { durations, distances };
}

const hours = (h: number) => Math.round(h * 3600);

export interface SyntheticDay {
  problem: Problem;
  /** Place i's coordinates (place 0 is the hub). */
  places: LatLng[];
  stops: number;
}

/**
 * The day: `shipments` shop-to-customer deliveries, `hubDeliveries` parcels from the hub,
 * `collections` pickups back to the hub (120 stops with the defaults), six couriers.
 */
export function syntheticDay(seed = 1, options: { shipments?: number; hubDeliveries?: number; collections?: number } = {}): SyntheticDay {
  const random = new Random(seed);
  const shipments = options.shipments ?? 35;
  const hubDeliveries = options.hubDeliveries ?? 40;
  const collections = options.collections ?? 10;
  const places: LatLng[] = [HUB];
  // Within about 4 km of the hub (Saint-Étienne is long north-east to south-west, along the Furan).
  const around = (spread = 1): number => {
    const angle = random.next() * 2 * Math.PI;
    const radius = Math.sqrt(random.next()) * 4000 * spread;
    places.push({ lat: HUB.lat + (radius * Math.cos(angle)) / 111_320, lng: HUB.lng + (radius * Math.sin(angle) * 1.3) / (111_320 * Math.cos(HUB.lat * (Math.PI / 180))) });
    return places.length - 1;
  };
  const between = (low: number, high: number) => low + random.next() * (high - low);
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)] as T;
  const service = () => 120 + random.int(4) * 60;
  // Slots of the hub's booking page, two hours each, weighted as they are booked (the evening one least).
  const slots = [
    { earliest: hours(9), latest: hours(11), weight: 5 },
    { earliest: hours(10), latest: hours(12), weight: 4 },
    { earliest: hours(14), latest: hours(16), weight: 5 },
    { earliest: hours(16), latest: hours(18), weight: 4 },
    { earliest: hours(17), latest: hours(19), weight: 2 },
  ];
  const slot = (after = 0) => {
    const open = slots.filter((candidate) => candidate.latest > after);
    let draw = random.next() * open.reduce((sum, candidate) => sum + candidate.weight, 0);
    for (const candidate of open) {
      draw -= candidate.weight;
      if (draw < 0) return { earliest: candidate.earliest, latest: candidate.latest };
    }
    const last = open[open.length - 1] as { earliest: number; latest: number };
    return { earliest: last.earliest, latest: last.latest };
  };
  const jobs: Job[] = [];
  // Shops: a dozen, each with its opening hours for pickups.
  const shops = Array.from({ length: 12 }, () => ({ place: around(0.6), window: pick([{ earliest: hours(9), latest: hours(12) }, { earliest: hours(9.5), latest: hours(18) }, { earliest: hours(14), latest: hours(18.5) }]) }));
  for (let i = 0; i < shipments; i += 1) {
    const shop = pick(shops);
    const window = slot(shop.window.earliest + hours(1));
    jobs.push({
      type: 'shipment',
      id: `shipment-${i + 1}`,
      pickup: { place: shop.place, service: service(), window: { earliest: shop.window.earliest, latest: Math.min(shop.window.latest, window.latest - hours(0.5)) } },
      delivery: { place: around(), service: service(), window },
      amount: [Math.round(between(2, 20)), Math.round(between(5, 70))],
    });
  }
  for (let i = 0; i < hubDeliveries; i += 1) {
    const heavy = i % 13 === 12;
    jobs.push({
      type: 'delivery',
      id: `parcel-${i + 1}`,
      // Heavy parcels go with the trailer, which works until 17:00: a daytime slot.
      stop: { place: around(), service: service(), window: heavy ? { earliest: hours(14), latest: hours(16) } : slot() },
      amount: heavy ? [Math.round(between(60, 90)), Math.round(between(200, 300))] : [Math.round(between(1, 15)), Math.round(between(5, 60))],
      ...(heavy ? { skills: ['trailer'] } : {}),
    });
  }
  for (let i = 0; i < collections; i += 1) {
    jobs.push({
      type: 'pickup',
      id: `collection-${i + 1}`,
      stop: { place: around(), service: 300, window: { earliest: hours(9), latest: hours(17) } },
      amount: [Math.round(between(10, 35)), Math.round(between(40, 150))],
    });
  }
  const lunch = (earliest: number, latest: number) => [{ id: 'lunch', earliest: hours(earliest), latest: hours(latest), duration: 1800 }];
  const reload = { service: 600, max: 4 };
  const vehicles: Vehicle[] = [
    { id: 'courier-1', start: 0, end: 0, shift: { start: hours(8), end: hours(16) }, capacity: [120, 400], breaks: lunch(12, 13.5), reload },
    { id: 'courier-2', start: 0, end: 0, shift: { start: hours(10), end: hours(18.5) }, capacity: [120, 400], breaks: lunch(12.5, 14), reload },
    { id: 'courier-3', start: 0, end: 0, shift: { start: hours(9), end: hours(17) }, capacity: [180, 700], skills: ['trailer'], speedFactor: 0.85, breaks: lunch(12.5, 14), reload },
    { id: 'courier-4', start: 0, end: 0, shift: { start: hours(10), end: hours(19) }, capacity: [100, 350], breaks: [{ id: 'pause', earliest: hours(15), latest: hours(16.5), duration: 1200 }], reload },
    { id: 'courier-5', start: 0, end: 0, shift: { start: hours(8), end: hours(12.5) }, capacity: [80, 250], reload },
    { id: 'courier-6', start: 0, end: 0, shift: { start: hours(13), end: hours(19.5) }, capacity: [100, 350], breaks: [{ id: 'pause', earliest: hours(16), latest: hours(17), duration: 900 }], reload },
  ];
  const matrices = bikeMatrices(places);
  return {
    problem: { places: places.length, matrices: { default: matrices }, vehicles, jobs, objective: { cost: 'duration' } },
    places,
    stops: shipments * 2 + hubDeliveries + collections,
  };
}
