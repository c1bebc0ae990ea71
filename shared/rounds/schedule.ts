import { CYCLING_DETOUR_FACTOR, CARGO_BIKE_SPEED_KMH, estimateRideSeconds, greatCircleMeters, type LatLng } from '../geo/router.js';

/**
 * The timing and load of a round, stop by stop: pure, testable without AWS, the same for the
 * board, the courier's app and the recipient's ETA.
 *
 * - Stops already done keep the time they happened, and their load counts.
 * - From where the courier is (a fresh position, else the last stop done, else the shift's start
 *   place) and when (now, or the shift's start if later), each pending stop in order: ride
 *   (great-circle × CYCLING_DETOUR_FACTOR at the vehicle's speed: the router port's default
 *   estimate), take a break whose time has come before leaving, wait for the stop's window to
 *   open, then serve it (SERVICE_SECONDS).
 * - A stop is late when the planned arrival is after its window's end.
 * - The load after each stop: pickups add their parcels' kg and litres, drop-offs take them off;
 *   the round is over capacity when, at some stop, either exceeds the vehicle's.
 */
export const SERVICE_SECONDS = { pickup: 5 * 60, dropoff: 3 * 60 } as const;

export interface Load {
  kg: number;
  litres: number;
}

export interface ScheduleStop {
  type: 'pickup' | 'dropoff';
  at: LatLng;
  /** Epoch ms. */
  window?: { start: number; end: number } | undefined;
  load: Load;
  /** Done (or failed) at this time: not planned again. */
  doneAt?: number | undefined;
  /** The courier arrived at this time and is serving it. */
  arrivedAt?: number | undefined;
}

export interface ScheduleInput {
  now: number;
  /** Where and when the courier sets off for its first pending stop. */
  from: LatLng;
  notBefore: number;
  breaks: ReadonlyArray<{ start: number; end: number }>;
  /** Where the round ends (the shift's end place), if known. */
  to?: LatLng | undefined;
  capacity: Load;
  speedKmh?: number;
  stops: readonly ScheduleStop[];
}

export interface PlannedStop {
  arrival: number;
  departure: number;
  loadAfter: Load;
  late: boolean;
  lateMinutes: number;
}

export interface Schedule {
  stops: PlannedStop[];
  maxLoad: Load;
  /** The first stop after which the load is over the vehicle's capacity. */
  overCapacityAt: number | undefined;
  /** Back at the end place. */
  endsAt: number;
  startsAt: number;
}

export function rideSeconds(from: LatLng, to: LatLng, speedKmh = CARGO_BIKE_SPEED_KMH): number {
  return estimateRideSeconds(Math.ceil(greatCircleMeters(from, to) * CYCLING_DETOUR_FACTOR), speedKmh);
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

export function planSchedule(input: ScheduleInput): Schedule {
  const speed = input.speedKmh ?? CARGO_BIKE_SPEED_KMH;
  const breaks = [...input.breaks].sort((a, b) => a.start - b.start);
  let taken = 0;
  let load: Load = { kg: 0, litres: 0 };
  const maxLoad: Load = { kg: 0, litres: 0 };
  let overCapacityAt: number | undefined;
  let where = input.from;
  let time = Math.max(input.now, input.notBefore);
  let startsAt: number | undefined;
  const planned: PlannedStop[] = [];
  const lastDone = input.stops.reduce((last, stop, index) => (stop.doneAt !== undefined ? index : last), -1);
  input.stops.forEach((stop, index) => {
    const sign = stop.type === 'pickup' ? 1 : -1;
    load = { kg: round3(Math.max(0, load.kg + sign * stop.load.kg)), litres: round3(Math.max(0, load.litres + sign * stop.load.litres)) };
    maxLoad.kg = Math.max(maxLoad.kg, load.kg);
    maxLoad.litres = Math.max(maxLoad.litres, load.litres);
    if (overCapacityAt === undefined && (load.kg > input.capacity.kg + 1e-9 || load.litres > input.capacity.litres + 1e-9)) overCapacityAt = index;
    if (stop.doneAt !== undefined || index < lastDone) {
      const at = stop.doneAt ?? stop.arrivedAt ?? time;
      planned.push({ arrival: stop.arrivedAt ?? at, departure: at, loadAfter: { ...load }, late: false, lateMinutes: 0 });
      where = stop.at;
      time = Math.max(input.now, at);
      startsAt ??= stop.arrivedAt ?? at;
      return;
    }
    let arrival: number;
    if (stop.arrivedAt !== undefined) {
      arrival = stop.arrivedAt;
      time = Math.max(time, arrival);
    } else {
      // A break whose time has come is taken before setting off.
      const travel = rideSeconds(where, stop.at, speed) * 1000;
      while (taken < breaks.length && (breaks[taken] as { start: number }).start <= time + travel) {
        const pause = breaks[taken] as { start: number; end: number };
        time = Math.max(time, pause.start) + (pause.end - pause.start);
        taken += 1;
      }
      startsAt ??= time;
      arrival = time + travel;
      time = arrival;
    }
    startsAt ??= arrival;
    if (stop.window && time < stop.window.start) time = stop.window.start;
    const departure = time + SERVICE_SECONDS[stop.type] * 1000;
    const lateMs = stop.window ? Math.max(0, arrival - stop.window.end) : 0;
    planned.push({ arrival, departure, loadAfter: { ...load }, late: lateMs > 0, lateMinutes: Math.ceil(lateMs / 60_000) });
    time = departure;
    where = stop.at;
  });
  const endsAt = input.to ? time + rideSeconds(where, input.to, speed) * 1000 : time;
  return { stops: planned, maxLoad, overCapacityAt, endsAt, startsAt: startsAt ?? Math.max(input.now, input.notBefore) };
}

/** What a delivery's parcels weigh and take up: kg, and litres from their dimensions (0 without). */
export function parcelsLoad(parcels: ReadonlyArray<{ weightKg: number; lengthCm?: number | undefined; widthCm?: number | undefined; heightCm?: number | undefined }>): Load {
  let kg = 0;
  let litres = 0;
  for (const parcel of parcels) {
    kg += parcel.weightKg;
    if (parcel.lengthCm !== undefined && parcel.widthCm !== undefined && parcel.heightCm !== undefined) litres += (parcel.lengthCm * parcel.widthCm * parcel.heightCm) / 1000;
  }
  return { kg: round3(kg), litres: round3(litres) };
}
