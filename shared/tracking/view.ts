import type { Delivery } from '../deliveries/schemas.js';
import { finalStatuses } from '../deliveries/state-machine.js';
import type { EtaWindow } from './eta.js';
import type { TrackingView } from './schemas.js';

/** The shape `newTrackingToken` makes (24 random bytes, base64url): anything else cannot exist. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/**
 * Where a link's retention counts from: the end of the delivery, or a failure nobody followed up
 * (a failed parcel, or one back at the hub, that is not rescheduled stays so for good).
 */
const restingStatuses: readonly Delivery['status'][] = [...finalStatuses, 'failed', 'returned'];

/** When the delivery ended (delivered, cancelled, returned to its sender, or failed and left so), or undefined while it has not. */
export function endedAt(delivery: Pick<Delivery, 'status' | 'timeline'>): number | undefined {
  if (!restingStatuses.includes(delivery.status)) return undefined;
  const final = delivery.timeline.findLast((entry) => entry.status === delivery.status);
  return final === undefined ? undefined : Date.parse(final.at);
}

/** A link works until `retentionDays` after the delivery ended; with 0 it stops as the delivery ends. */
export function isTrackingExpired(delivery: Pick<Delivery, 'status' | 'timeline'>, now: number, retentionDays: number): boolean {
  const ended = endedAt(delivery);
  return ended !== undefined && now >= ended + retentionDays * 86_400_000;
}

/**
 * The public view of a delivery, built from an allowlist: each field is copied by name, so a
 * field added to the delivery later stays private unless someone adds it here on purpose.
 */
export function buildTrackingView(delivery: Delivery, options: { eta: EtaWindow | undefined; hubName: string }): TrackingView {
  return {
    object: 'tracking',
    kind: delivery.kind,
    status: delivery.status,
    events: delivery.timeline.map((entry) => ({ status: entry.status, at: entry.at, ...(entry.step ? { step: entry.step } : {}), ...(entry.step === 'arrived' && entry.stop ? { stop: entry.stop } : {}) })),
    ...(delivery.attempt > 1 ? { attempt: delivery.attempt } : {}),
    ...(options.eta === undefined ? {} : { eta: { earliest: options.eta.earliest, latest: options.eta.latest, basis: options.eta.basis } }),
    ...(delivery.hub ? { stage: delivery.hub.stage } : {}),
    ...(delivery.collectionPoint ? { collectionPoint: { name: delivery.collectionPoint.name } } : {}),
    dropoff: { city: delivery.dropoff.address.city },
    hub: { name: options.hubName },
  };
}
