import type * as z from 'zod';
import type { Role } from '../auth/principal.js';
import type { Capability } from '../capabilities.js';
import { errorCatalogue, type ErrorCode, type ErrorSet } from '../errors.js';
import { functionGroupOf, functionGroups } from './function-groups.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseDefinition {
  description: string;
  /** JSON body schema; omit for an empty body. */
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
  /** Other media types the same status may answer with (content negotiation: `Accept`, `?format=`). */
  alternatives?: Record<string, z.ZodType>;
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
    /**
     * A body the function reads itself, as bytes (a signature is computed over them): documented
     * in the OpenAPI document, never parsed by the plumbing.
     */
    rawBody?: { description: string; schema: z.ZodType; /** Its media types (JSON when left out). */ mediaTypes?: readonly string[] };
    /** Headers the function reads (signatures), documented only. */
    headers?: z.ZodType;
  };
  /** What the route answers when it succeeds (2xx, 3xx); its errors come from `errors`. */
  responses: Record<number, ResponseDefinition>;
  /**
   * The errors of the domain code the route calls: the error sets its modules declare where
   * they raise them. The plumbing's own errors (authentication, validation, idempotency…) are
   * added by `routeErrors`; together they make the route's documented error responses.
   */
  errors?: ReadonlyArray<ErrorCode | Pick<ErrorSet, 'codes'>>;
  /**
   * A create endpoint: honours `Idempotency-Key`. `true`: the effect is one write, which also
   * completes the key (the service gives it its result: shared/db/effect.ts), so a retry after a
   * crash replays the first answer. `'rerun'`: the effect is keyed by the Idempotency-Key itself
   * and spans many writes (a billing run): a retry after a crash runs it again, to the same end.
   */
  idempotent?: true | 'rerun';
  /** The route renders Factur-X PDFs: it runs in the `documents` function (shared/http/function-groups.ts). */
  rendersDocuments?: true;
  /** A body larger than the contract's 256 KiB (a bank statement): the most this route reads. */
  maxBodyBytes?: number;
  /**
   * A public route that answers from code alone (health, the OpenAPI document): it runs in the
   * function of the routes with no table access (`shared/http/function-groups.ts`).
   */
  readsData?: false;
  /** What the function may do beyond table access (`shared/capabilities.ts`); the stack grants exactly these. */
  needs?: readonly Capability[];
  /**
   * API Gateway throttling of this route (requests per second, steady and burst). Without it the
   * stack applies its default for the route's kind (`infra/throttling.ts`): lower for public
   * routes that read data, the stage default for the others.
   */
  throttle?: { rateLimit: number; burstLimit: number };
  /**
   * A route whose failures someone must hear about even when the rest of the API is fine (a
   * booking, a courier's report, a recipient's tracking link, a shop's order, Stripe's webhook):
   * the stack turns on API Gateway's detailed metrics for this route alone and gives it a 5xx
   * alarm of its own (`Route5xxRate-<route name>`). Each watched route costs its CloudWatch metrics.
   */
  watched?: true;
}

export function defineRoute<const R extends RouteDefinition>(route: R): R {
  return route;
}

export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** Seconds a route may run: its function's timeout (the stack and the local runtime). */
export function routeTimeoutSeconds(route: Pick<RouteDefinition, 'roles' | 'needs' | 'readsData'>): number {
  return functionGroups[functionGroupOf(route)].timeoutSeconds;
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

/** Methods whose body the API reads (the 256 KiB limit applies to them). */
export function readsBody(route: Pick<RouteDefinition, 'method'>): boolean {
  return route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
}

/**
 * Every error code a route can answer: the plumbing's (shared/http/handler.ts, each line
 * mirrors a middleware) and the route's own `errors`. The OpenAPI document and the runtime
 * check of answers read this, so neither can drift from the other.
 */
export function routeErrors(route: RouteDefinition): ErrorCode[] {
  const codes = new Set<ErrorCode>(['internal', 'service_unavailable']);
  const add = (...list: ErrorCode[]) => list.forEach((code) => codes.add(code));
  if (route.roles !== 'public') add('missing_api_key', 'invalid_api_key', 'forbidden');
  // A write made with a session cookie must carry the session's CSRF token.
  if (route.roles !== 'public' && route.method !== 'GET') add('csrf_token_invalid');
  if (readsBody(route)) add('payload_too_large');
  if (route.request?.body) add('malformed_json', 'unsupported_media_type', 'parameter_missing', 'parameter_invalid', 'unknown_parameter');
  if (route.request?.query) add('parameter_missing', 'parameter_invalid', 'unknown_parameter');
  if (route.request?.params) add('resource_missing');
  if (route.idempotent) add('parameter_invalid', 'idempotency_key_reused', 'idempotency_request_in_progress');
  for (const part of route.errors ?? []) {
    if (typeof part === 'string') codes.add(part);
    else part.codes.forEach((code) => codes.add(code));
  }
  return [...codes];
}

/** A route's error codes by HTTP status. */
export function routeErrorsByStatus(route: RouteDefinition): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of routeErrors(route)) {
    const { status } = errorCatalogue[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}
