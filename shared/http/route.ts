import type * as z from 'zod';
import type { Role } from '../auth/principal.js';
import type { Capability } from '../capabilities.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseDefinition {
  description: string;
  /** JSON body schema; omit for an empty body. */
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
}

/**
 * One row of the route table: everything the CDK stack, the local runtime, the HTTP plumbing and
 * the OpenAPI document need to know about an endpoint.
 */
export interface RouteDefinition {
  method: HttpMethod;
  /** API Gateway path template: `/v1/tenants/{id}`. */
  path: string;
  /** Who may call it; `public` takes no key. */
  roles: readonly Role[] | 'public';
  /** The Lambda entry module, relative to the project root; it exports `handler`. */
  handler: string;
  summary: string;
  tag: string;
  request?: {
    body?: z.ZodType;
    params?: z.ZodType;
    query?: z.ZodType;
  };
  responses: Record<number, ResponseDefinition>;
  /**
   * A create endpoint: honours `Idempotency-Key`. `true`: the effect is one write, which also
   * completes the key (the service gives it its result: shared/db/effect.ts), so a retry after a
   * crash replays the first answer. `'rerun'`: the effect is keyed by the Idempotency-Key itself
   * and spans many writes (a billing run): a retry after a crash runs it again, to the same end.
   */
  idempotent?: true | 'rerun';
  /** Lambda memory and timeout (defaults in the stack). */
  memoryMb?: number;
  timeoutSeconds?: number;
  /** What the function may do beyond table access (`shared/capabilities.ts`); the stack grants exactly these. */
  needs?: readonly Capability[];
  /**
   * API Gateway throttling of this route (requests per second, steady and burst). Without it the
   * stack applies its default for the route's kind (`infra/throttling.ts`): lower for public
   * routes that read data, the stage default for the others.
   */
  throttle?: { rateLimit: number; burstLimit: number };
}

export function defineRoute<const R extends RouteDefinition>(route: R): R {
  return route;
}

export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** Seconds a route's function may run when its definition does not say (the stack and the local runtime). */
export const DEFAULT_ROUTE_TIMEOUT_SECONDS = 10;

export function routeTimeoutSeconds(route: Pick<RouteDefinition, 'timeoutSeconds'>): number {
  return route.timeoutSeconds ?? DEFAULT_ROUTE_TIMEOUT_SECONDS;
}

/** The status a route answers when it succeeds: its first 2xx response. */
export function successStatus(route: Pick<RouteDefinition, 'responses' | 'method' | 'path'>): number {
  const status = Object.keys(route.responses)
    .map(Number)
    .filter((code) => code >= 200 && code < 300)
    .sort((a, b) => a - b)[0];
  if (status === undefined) throw new Error(`${route.method} ${route.path} declares no 2xx response`);
  return status;
}
