import type { Delivery } from '../deliveries/schemas.js';
import { estimateRideSeconds, type LatLng, type Router } from '../geo/router.js';

/**
 * The estimated time of arrival shown to a recipient. The rule, in full:
 *
 * 1. Only while the delivery is under way (`assigned` or `picked_up`); never before a courier
 *    has it, never after it ended.
 * 2. Where the courier is: its last reported position if it is at most POSITION_FRESH_MS old;
 *    otherwise we do not know, and start from the pickup address instead.
 * 3. The ride: the same `Router` port as pricing gives the cycling distance of each leg, and
 *    `estimateRideSeconds` turns it into time at CARGO_BIKE_SPEED_KMH (15 km/h, stops included;
 *    see shared/geo/router.ts for why).
 *    - picked up, fresh position: now + ride(position → drop-off);
 *    - picked up, no fresh position: pickup time + ride(pickup → drop-off), and not before now;
 *    - assigned, fresh position: now + ride(position → pickup), wait for the pickup window to
 *      open if it has not, + PICKUP_HANDLING_SECONDS + ride(pickup → drop-off);
 *    - assigned, no fresh position: the later of now and the pickup window's start,
 *      + PICKUP_HANDLING_SECONDS + ride(pickup → drop-off).
 * 5. A pickup (a ressourcerie collecting at a donor's home) is tracked by the donor, who waits for
 *    the courier at the pickup: its ETA is the arrival at the pickup, while `assigned` only —
 *    from a fresh position (ride to the pickup, not before the pickup window opens), else the
 *    booked window itself (basis `slot`), else none.
 * 4. A window, not a minute: earliest = that arrival, never before now; latest = earliest + the
 *    larger of SPREAD_RATIO × the time still to go and MIN_SPREAD_MS. Earliest is rounded down
 *    and latest up to ROUND_MS, so "between 14:05 and 14:30", never "at 14:17" — except that a
 *    window never starts in the past: when rounding down would go before now (an arrival due
 *    within the current 5 minutes), it starts now. "Between 03:30 and 03:50" read at 03:32
 *    would promise what is already over; "between 03:32 and 03:50" is still true, and the
 *    window stays at least MIN_SPREAD_MS wide. A slot's window (rule 5) starts now at the
 *    earliest too.
 */
export const POSITION_FRESH_MS = 10 * 60_000;
/** Loading at the pickup: finding the door and the parcels, strapping them on the bike. */
export const PICKUP_HANDLING_SECONDS = 5 * 60;
export const SPREAD_RATIO = 0.5;
export const MIN_SPREAD_MS = 15 * 60_000;
export const ROUND_MS = 5 * 60_000;

export type EtaBasis = 'courier_position' | 'pickup' | 'slot' | 'round';

export interface EtaWindow {
  earliest: string;
  latest: string;
  basis: EtaBasis;
}

/** What must be ridden, from when: the part of the rule that needs no router. */
export interface EtaPlan {
  basis: EtaBasis;
  /** Epoch ms the first leg starts. */
  departAt: number;
  /** From the courier's position to the pickup, when the courier has not reached it yet. */
  toPickup?: [LatLng, LatLng];
  /** Loading at the pickup still to come, which cannot start before `pickupNotBefore`. */
  handlingSeconds: number;
  pickupNotBefore?: number;
  toDropoff: [LatLng, LatLng];
}

function coordinates(address: { lat: number; lng: number }): LatLng {
  return { lat: address.lat, lng: address.lng };
}

function freshPosition(delivery: Delivery, now: number): LatLng | undefined {
  const position = delivery.lastPosition;
  if (!position) return undefined;
  const age = now - Date.parse(position.at);
  return age <= POSITION_FRESH_MS ? coordinates(position) : undefined;
}

/** Steps 1–3 of the rule, without distances: undefined when no ETA is shown. */
export function planEta(delivery: Delivery, now: number): EtaPlan | undefined {
  const pickup = coordinates(delivery.pickup.address);
  const dropoff = coordinates(delivery.dropoff.address);
  const position = freshPosition(delivery, now);
  if (delivery.status === 'picked_up') {
    if (position) return { basis: 'courier_position', departAt: now, handlingSeconds: 0, toDropoff: [position, dropoff] };
    const pickedUpAt = delivery.timeline.findLast((entry) => entry.status === 'picked_up')?.at;
    return { basis: 'pickup', departAt: pickedUpAt === undefined ? now : Date.parse(pickedUpAt), handlingSeconds: 0, toDropoff: [pickup, dropoff] };
  }
  if (delivery.status === 'assigned') {
    const windowStart = delivery.pickup.window ? Date.parse(delivery.pickup.window.start) : undefined;
    const waitFor = windowStart === undefined ? {} : { pickupNotBefore: windowStart };
    if (position) {
      return { basis: 'courier_position', departAt: now, toPickup: [position, pickup], handlingSeconds: PICKUP_HANDLING_SECONDS, ...waitFor, toDropoff: [pickup, dropoff] };
    }
    return { basis: 'pickup', departAt: now, handlingSeconds: PICKUP_HANDLING_SECONDS, ...waitFor, toDropoff: [pickup, dropoff] };
  }
  return undefined;
}

/** Epoch ms of arrival, given the plan and the riding time of its legs. */
export function arrivalTime(plan: EtaPlan, rideSeconds: { toPickup?: number; toDropoff: number }): number {
  let at = plan.departAt + (rideSeconds.toPickup ?? 0) * 1000;
  if (plan.handlingSeconds > 0) at = Math.max(at, plan.pickupNotBefore ?? at) + plan.handlingSeconds * 1000;
  return at + rideSeconds.toDropoff * 1000;
}

/** Step 4 of the rule: the window shown for an arrival time. */
export function etaWindow(arrival: number, now: number, basis: EtaBasis): EtaWindow {
  const earliest = Math.max(arrival, now);
  const spread = Math.max(SPREAD_RATIO * (earliest - now), MIN_SPREAD_MS);
  const from = Math.max(Math.floor(earliest / ROUND_MS) * ROUND_MS, now);
  const to = Math.ceil((earliest + spread) / ROUND_MS) * ROUND_MS;
  return { earliest: new Date(from).toISOString(), latest: new Date(to).toISOString(), basis };
}

/** The ETA window of a delivery under way, through the routing port; undefined otherwise. */
export async function estimateEta(delivery: Delivery, router: Router, now: number): Promise<EtaWindow | undefined> {
  if (delivery.kind === 'pickup') return estimatePickupArrival(delivery, router, now);
  const plan = planEta(delivery, now);
  if (!plan) return undefined;
  const ride = async (leg: [LatLng, LatLng]) => estimateRideSeconds(await router.distanceMeters(leg[0], leg[1]));
  const [toPickup, toDropoff] = await Promise.all([plan.toPickup ? ride(plan.toPickup) : undefined, ride(plan.toDropoff)]);
  return etaWindow(arrivalTime(plan, { ...(toPickup === undefined ? {} : { toPickup }), toDropoff }), now, plan.basis);
}

/** Rule 5: for a pickup, the arrival at the donor's door. */
async function estimatePickupArrival(delivery: Delivery, router: Router, now: number): Promise<EtaWindow | undefined> {
  if (delivery.status !== 'assigned') return undefined;
  const window = delivery.pickup.window;
  const notBefore = window ? Date.parse(window.start) : now;
  const position = freshPosition(delivery, now);
  if (position) {
    const ride = estimateRideSeconds(await router.distanceMeters(position, coordinates(delivery.pickup.address)));
    return etaWindow(Math.max(now + ride * 1000, notBefore), now, 'courier_position');
  }
  if (window && Date.parse(window.end) > now) {
    return { earliest: new Date(Math.max(notBefore, now)).toISOString(), latest: new Date(Date.parse(window.end)).toISOString(), basis: 'slot' };
  }
  return undefined;
}
