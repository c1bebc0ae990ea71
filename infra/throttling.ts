import type { RouteDefinition } from '../shared/http/route.js';

/** API Gateway throttling of one route: steady requests per second, and the burst above it. */
export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

/**
 * The stage default, for authenticated routes and the public ones that answer from code alone
 * (health check, OpenAPI document, the `$default` 404). Each route gets its own bucket of this
 * size; the account's regional quota (10,000 requests/s, burst 5,000) is shared by all.
 */
export const stageThrottle: Throttle = { rateLimit: 100, burstLimit: 200 };

/**
 * Public routes that read or write data without an API key (tracking pages, inbound shop
 * webhooks, payment provider callbacks): anyone can call them, and each call costs table
 * operations, so they get a tighter bucket. Per-link and per-address limits are enforced in
 * the application on top (`shared/http/rate-limit.ts`).
 */
export const publicDataThrottle: Throttle = { rateLimit: 20, burstLimit: 40 };

/** A route's throttle: its own (`throttle` in the route table), else the default for its kind. */
export function routeThrottle(route: Pick<RouteDefinition, 'roles' | 'throttle'>, readsData: boolean): Throttle {
  if (route.throttle) return route.throttle;
  return route.roles === 'public' && readsData ? publicDataThrottle : stageThrottle;
}

/**
 * `RouteSettings` of an HTTP API stage (CloudFormation), keyed by route key: each route's
 * throttle, and API Gateway's detailed (per-route) metrics for the watched routes alone.
 */
export function routeSettings(
  throttles: ReadonlyMap<string, Throttle>,
  watched: ReadonlySet<string> = new Set(),
): Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number; DetailedMetricsEnabled?: true }> {
  for (const key of watched) if (!throttles.has(key)) throw new Error(`Watched route ${key} is not a route of the stage`);
  return Object.fromEntries(
    [...throttles].map(([key, throttle]) => [key, { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit, ...(watched.has(key) ? { DetailedMetricsEnabled: true as const } : {}) }]),
  );
}
