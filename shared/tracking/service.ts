import { config } from '../config.js';
import { deliveryRepository } from '../deliveries/repository.js';
import { AppError } from '../errors.js';
import { activeRouter } from '../geo/adapters.js';
import { enforceRateLimits } from '../http/rate-limit.js';
import { estimateEta, etaWindow } from './eta.js';
import { plannedArrival } from '../rounds/service.js';
import type { TrackingView } from './schemas.js';
import { buildTrackingView, isTrackingExpired, isWellFormedToken } from './view.js';
import { trackingErrors } from './errors.js';


const RATE_WINDOW_SECONDS = 60;

/**
 * The public tracking endpoints count every request per link and per client address, so a
 * leaked link cannot be polled into a load problem and nobody can sweep guesses quickly.
 */
export async function limitTrackingRequests(token: string, sourceIp: string, now = Date.now()): Promise<void> {
  await enforceRateLimits(
    [
      { scope: 'track-token', subject: token, limit: config.trackingRateLimitPerToken, windowSeconds: RATE_WINDOW_SECONDS },
      { scope: 'track-ip', subject: sourceIp, limit: config.trackingRateLimitPerIp, windowSeconds: RATE_WINDOW_SECONDS },
    ],
    now,
  );
}

/**
 * What a tracking link shows, or undefined when it shows nothing: a malformed token, an unknown
 * one and an expired one are the same answer, so no caller can tell them apart.
 */
export async function findTracking(token: string, now = Date.now()): Promise<TrackingView | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  const delivery = await deliveryRepository.findByTrackingToken(token);
  if (!delivery || isTrackingExpired(delivery, now, config.trackingRetentionDays)) return undefined;
  // Through the hub, the last leg's courier leaves only once every parcel is there: no ETA before.
  if (delivery.hub && (delivery.hub.stage === 'expected' || delivery.hub.stage === 'to_hub')) return buildTrackingView(delivery, { eta: undefined, hubName: config.hubName });
  // On a courier's round, the ETA follows the round: the stops before this one, in the hub's order.
  const planned = await plannedArrival(delivery, new Date(now));
  const eta = planned !== undefined ? etaWindow(planned, now, 'round') : await estimateEta(delivery, activeRouter(), now);
  return buildTrackingView(delivery, { eta, hubName: config.hubName });
}

/**
 * One public tracking request: counted against the rate limits (a 429 `AppError` when over) and
 * looked up at the same time, since neither waits for the other.
 */
export async function trackingRequest(token: string, sourceIp: string, now = Date.now()): Promise<TrackingView | undefined> {
  const [, view] = await Promise.all([limitTrackingRequests(token, sourceIp, now), findTracking(token, now)]);
  return view;
}

/** The JSON endpoint's 404, identical for every link that shows nothing. */
export function trackingNotFound(): AppError {
  return trackingErrors.error('resource_missing', 'No such tracking link (unknown or expired).', { param: 'token' });
}
