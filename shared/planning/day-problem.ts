import type { Shift, StoredCourier } from '../couriers/schemas.js';
import type { Delivery } from '../deliveries/schemas.js';
import type { LatLng } from '../geo/router.js';
import type { SpeedProfile, TravelMatrix } from '../geo/matrix.js';
import { parcelsLoad, SERVICE_SECONDS } from '../rounds/schedule.js';
import type { Job, Problem, Vehicle } from './problem.js';

/**
 * A day of the hub as a planning problem (`problem.ts`): pure, so it is tested without AWS.
 *
 * - Times are seconds from the Paris day's first instant (`dayStart`).
 * - Each courier with a shift is a vehicle: the shift's start and end places and times, its breaks
 *   (fixed, as the shift says), its capacity in kg and litres, its vehicle's speed profile and the
 *   skill of its vehicle type; it may go back to the depot to unload and reload (multi-trip).
 * - No round leaves before now (a day planned during its shifts). A round already started (a
 *   stop done, or a parcel on the bike) keeps what is done: the vehicle starts where the courier
 *   is now (a recent position, else its last stop), and each parcel on the bike is a delivery only that courier can make (a skill of
 *   its own): it stays on its bike.
 * - Every other delivery of the day that no courier has picked up is a pickup-and-delivery pair,
 *   windows from its slot (or pickup window) and its drop-off window, service times of the rounds.
 */
export interface DayInput {
  date: string;
  dayStart: number;
  now: number;
  depot: LatLng;
  couriers: ReadonlyArray<{ courier: StoredCourier; shift: Shift; startedAt?: LatLng | undefined }>;
  /** The deliveries of the day that are still to do (booked, assigned, picked up). */
  deliveries: readonly Delivery[];
}

export interface DayProblem {
  problem: Problem;
  places: LatLng[];
  /** Which profile each vehicle rides (its matrix). */
  profiles: SpeedProfile[];
  /** Deliveries left out before planning (a courier off shift has its parcel): not in the problem. */
  onBikeOf: Map<string, string>;
}

const seconds = (instant: string | number, dayStart: number) => Math.round(((typeof instant === 'string' ? Date.parse(instant) : instant) - dayStart) / 1000);

export function dayProblem(input: DayInput): DayProblem {
  const places: LatLng[] = [input.depot];
  const indexOf = new Map<string, number>([[`${input.depot.lat},${input.depot.lng}`, 0]]);
  const place = (at: LatLng) => {
    const key = `${at.lat},${at.lng}`;
    let index = indexOf.get(key);
    if (index === undefined) {
      index = places.length;
      places.push({ lat: at.lat, lng: at.lng });
      indexOf.set(key, index);
    }
    return index;
  };
  const now = seconds(input.now, input.dayStart);
  const onBikeOf = new Map<string, string>();
  const vehicles: Vehicle[] = [];
  const profiles: SpeedProfile[] = [];
  const planned = new Set(input.couriers.map(({ courier }) => courier.id));
  for (const { courier, shift, startedAt } of input.couriers) {
    const start = seconds(shift.startsAt, input.dayStart);
    const end = seconds(shift.endsAt, input.dayStart);
    // Nobody leaves in the past: a round planned during its shift leaves now.
    const from = Math.max(start, now);
    vehicles.push({
      id: courier.id,
      start: place(startedAt ?? shift.startPlace),
      end: place(shift.endPlace),
      shift: { start: Math.min(from, end), end },
      capacity: [courier.vehicle.capacityKg, courier.vehicle.capacityLitres],
      profile: courier.vehicle.type,
      skills: [courier.vehicle.type, `courier:${courier.id}`],
      breaks: shift.breaks
        .filter((entry) => seconds(entry.endsAt, input.dayStart) > from)
        .map((entry, index) => {
          const at = Math.max(seconds(entry.startsAt, input.dayStart), from);
          return { id: `${courier.id}:break:${index}`, earliest: at, latest: at, duration: seconds(entry.endsAt, input.dayStart) - at };
        }),
      reload: { place: 0, service: 5 * 60 },
    });
    profiles.push(courier.vehicle.type);
  }
  const jobs: Job[] = [];
  for (const delivery of input.deliveries) {
    const load = parcelsLoad(delivery.parcels);
    const amount = [load.kg, load.litres];
    const window = (stop: Delivery['pickup']) => (stop.window ? { earliest: Math.max(seconds(stop.window.start, input.dayStart), 0), latest: Math.max(seconds(stop.window.end, input.dayStart), 0) } : undefined);
    const dropoffWindow = window(delivery.dropoff);
    if (delivery.status === 'picked_up') {
      // On a bike: that courier delivers it, or nobody in this plan.
      if (!delivery.courierId || !planned.has(delivery.courierId)) continue;
      onBikeOf.set(delivery.id, delivery.courierId);
      jobs.push({ type: 'delivery', id: delivery.id, stop: { place: place(delivery.dropoff.address), service: SERVICE_SECONDS.dropoff, ...(dropoffWindow ? { window: dropoffWindow } : {}) }, amount, skills: [`courier:${delivery.courierId}`] });
      continue;
    }
    const pickupWindow = window(delivery.pickup);
    jobs.push({
      type: 'shipment',
      id: delivery.id,
      pickup: { place: place(delivery.pickup.address), service: SERVICE_SECONDS.pickup, ...(pickupWindow ? { window: pickupWindow } : {}) },
      delivery: { place: place(delivery.dropoff.address), service: SERVICE_SECONDS.dropoff, ...(dropoffWindow ? { window: dropoffWindow } : {}) },
      amount,
    });
  }
  return { problem: { places: places.length, matrices: {}, vehicles, jobs, objective: { cost: 'duration' } }, places, profiles, onBikeOf };
}

/** The problem with the travel matrices of its places, one per profile its vehicles ride. */
export async function withMatrices(day: DayProblem, matrix: (places: readonly LatLng[], profile: SpeedProfile) => Promise<TravelMatrix>): Promise<Problem> {
  const distinct = [...new Set(day.profiles)];
  const computed = await Promise.all(distinct.map((profile) => matrix(day.places, profile)));
  const matrices: Record<string, TravelMatrix> = Object.fromEntries(distinct.map((profile, index) => [profile, computed[index] as TravelMatrix]));
  if (distinct[0]) matrices.default = matrices[distinct[0]] as TravelMatrix;
  return { ...day.problem, matrices };
}
