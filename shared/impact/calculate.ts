import type { Delivery } from '../deliveries/schemas.js';
import { parisDateOf } from '../deliveries/day.js';
import { pickedUpThisAttempt } from '../deliveries/state-machine.js';

/**
 * The impact report's arithmetic, pure (no AWS, no clock): which stops of a round were ridden to,
 * the ridden path, its length from a distance matrix, each tenant's share of a round, and the
 * figures of deliveries in a period.
 */

export interface LatLng {
  lat: number;
  lng: number;
}
export type StopType = 'pickup' | 'dropoff';

export interface RiddenStop {
  deliveryId: string;
  tenantId: string;
  type: StopType;
  at: LatLng;
}

/** A first leg (pickup → hub) of a delivery through the hub: its kilometres count, but it is not a delivery of its own. */
export function isFirstLeg(delivery: Delivery): boolean {
  const leg = (delivery as { leg?: { of?: string | null } | null }).leg;
  return typeof leg?.of === 'string';
}

/**
 * Whether the courier went to this stop on the delivery's attempt: a pickup done (picked up) or
 * failed there (nobody, refused…), a drop-off done (delivered, returned to the sender) or failed
 * at the door (failed after the pickup, then `returned` to the hub). A stop not reached yet, or of
 * a delivery taken back, was not ridden to.
 */
export function visitedStop(delivery: Delivery, type: StopType): boolean {
  const pickedUp = pickedUpThisAttempt(delivery);
  const failed = delivery.status === 'failed' || delivery.status === 'returned';
  if (type === 'pickup') return pickedUp || failed;
  if (delivery.status === 'delivered' || delivery.status === 'returned_to_sender') return true;
  return failed && pickedUp;
}

/** The stops a round actually rode to, in the round's order. */
export function riddenStops(ordered: ReadonlyArray<{ delivery: Delivery; type: StopType }>): RiddenStop[] {
  return ordered
    .filter(({ delivery, type }) => visitedStop(delivery, type))
    .map(({ delivery, type }) => {
      const address = type === 'pickup' ? delivery.pickup.address : delivery.dropoff.address;
      return { deliveryId: delivery.id, tenantId: delivery.tenantId, type, at: { lat: address.lat, lng: address.lng } };
    });
}

/** The ridden path: the start, the stops done in order, the end. */
export function ridePath(start: LatLng, stops: readonly RiddenStop[], end: LatLng): LatLng[] {
  return [start, ...stops.map((stop) => stop.at), end];
}

/** The length of a path from its matrix (`distances[from * n + to]`, metres): the sum of its consecutive legs. */
export function pathMetres(distances: readonly number[], n: number): number {
  let metres = 0;
  for (let index = 0; index + 1 < n; index += 1) metres += distances[index * n + index + 1] ?? 0;
  return metres;
}

export interface TenantShare {
  tenantId: string;
  stops: number;
  metres: number;
}

/**
 * A round's metres shared equally among the stops done on it, each tenant getting the share of
 * its stops; whole metres, by largest remainder (ties to the tenant id first), so the shares add
 * up to the round exactly.
 */
export function shareByTenant(metres: number, stops: ReadonlyArray<{ tenantId: string }>): TenantShare[] {
  const counts = new Map<string, number>();
  for (const stop of stops) counts.set(stop.tenantId, (counts.get(stop.tenantId) ?? 0) + 1);
  const total = stops.length;
  if (total === 0) return [];
  const whole = Math.round(metres);
  const rows = [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([tenantId, count]) => {
      const exact = (whole * count) / total;
      return { tenantId, stops: count, metres: Math.floor(exact), remainder: exact - Math.floor(exact) };
    });
  let left = whole - rows.reduce((sum, row) => sum + row.metres, 0);
  for (const row of [...rows].sort((a, b) => b.remainder - a.remainder || (a.tenantId < b.tenantId ? -1 : 1))) {
    if (left <= 0) break;
    row.metres += 1;
    left -= 1;
  }
  return rows.map(({ tenantId, stops: count, metres: share }) => ({ tenantId, stops: count, metres: share }));
}

export interface DeliveryFigures {
  /** Delivered in the period (by the Paris day of the delivered entry), first legs left out. */
  deliveries: number;
  /** Failed attempts in the period (each `failed` entry, by its Paris day). */
  failedAttempts: number;
  /** Parcels and kilograms of the deliveries delivered. */
  parcels: number;
  weightKg: number;
}

export const noDeliveries = (): DeliveryFigures => ({ deliveries: 0, failedAttempts: 0, parcels: 0, weightKg: 0 });

/** The Paris day a delivery was delivered (its last `delivered` entry), or null. */
export function deliveredDay(delivery: Delivery): string | null {
  if (delivery.status !== 'delivered') return null;
  const entry = delivery.timeline.findLast((candidate) => candidate.status === 'delivered' && candidate.step === undefined);
  return entry ? parisDateOf(entry.at) : null;
}

/** Adds a delivery's figures to the months they fall in (`YYYY-MM` → figures), for the months asked. */
export function addDeliveryFigures(byMonth: Map<string, DeliveryFigures>, delivery: Delivery): void {
  if (isFirstLeg(delivery)) return;
  const delivered = deliveredDay(delivery);
  if (delivered) {
    const figures = byMonth.get(delivered.slice(0, 7));
    if (figures) {
      figures.deliveries += 1;
      figures.parcels += delivery.parcels.length;
      figures.weightKg += delivery.parcels.reduce((sum, parcel) => sum + (parcel.weightKg ?? 0), 0);
    }
  }
  for (const entry of delivery.timeline) {
    if (entry.status !== 'failed' || entry.step !== undefined) continue;
    const figures = byMonth.get(parisDateOf(entry.at).slice(0, 7));
    if (figures) figures.failedAttempts += 1;
  }
}

/** Kilograms of CO2e for metres at a factor per km, to the gram. */
export function kgCo2e(metres: number, kgPerKm: number): number {
  return Math.round(metres * kgPerKm) / 1000;
}

/** Metres as kilometres, to the metre. */
export function kmOf(metres: number): number {
  return Math.round(metres) / 1000;
}
