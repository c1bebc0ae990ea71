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
  /** A create endpoint: honours `Idempotency-Key`. */
  idempotent?: boolean;
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
