import middy, { type MiddlewareObj } from '@middy/core';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { principalForSecret } from '../auth/api-keys.js';
import { csrfMatches, findSession, principalOfSession, sessionTokenOf, type StoredSession } from '../auth/sessions.js';
import { callerScope, type Principal } from '../auth/principal.js';
import { AppError } from '../errors.js';
import { logger, type Logger } from '../logging/logger.js';
import { recordingEffect } from '../db/effect.js';
import { effectRecorder, idempotencyStore, IdempotentReplay, IDEMPOTENCY_LOCK_MARGIN_MS, requestFingerprint, type IdempotencyLock } from './idempotency.js';
import { errorResponse, toAppError, toHttpResponse, type ApiResult, type HttpResponse } from './response.js';
import { readsBody, routeErrors, routeTimeoutSeconds, successStatus, type RouteDefinition } from './route.js';
import { parseOrThrow } from './validation.js';

/** The contract's body limit. API Gateway itself allows more, so we check. */
export const MAX_BODY_BYTES = 256 * 1024;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export type HttpEvent = Omit<APIGatewayProxyEventV2, 'body'> & { body?: unknown };

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;
type RequestPart<R extends RouteDefinition, K extends 'body' | 'params' | 'query'> = R['request'] extends Record<K, infer S> ? Infer<S> : undefined;

/** What a route function receives: validated input and the caller, nothing AWS-shaped. */
export interface ApiRequest<R extends RouteDefinition> {
  body: RequestPart<R, 'body'>;
  params: RequestPart<R, 'params'>;
  query: RequestPart<R, 'query'>;
  principal: R['roles'] extends 'public' ? undefined : Principal;
  headers: Record<string, string | undefined>;
  /** The body as received, as text. */
  rawBody: string;
  /** The body's exact bytes: what a signature is computed over. */
  rawBytes: Buffer;
  /** The client's address as API Gateway saw it (per-client rate limits). */
  sourceIp: string;
  requestId: string;
  log: Logger;
  /** The person's session, when the request came with its cookie rather than a key. */
  session: StoredSession | undefined;
  /** The session token the request's cookie holds (sign-out ends it). */
  sessionToken: string | undefined;
}

/**
 * The request's logger, made on first use. A Powertools child logger costs a new `Console` and
 * several environment reads (it showed in the profile of the API under load), and most requests
 * log nothing but their access line, which the root logger writes with these keys.
 */
class RequestLog {
  #child: Logger | undefined;
  constructor(readonly keys: Record<string, unknown>) {}
  get logger(): Logger {
    return (this.#child ??= logger.createChild({ persistentKeys: { ...this.keys } }));
  }
  appendKeys(keys: Record<string, unknown>): void {
    Object.assign(this.keys, keys);
    this.#child?.appendKeys(keys);
  }
}

interface RequestState {
  requestId: string;
  requestLog: RequestLog;
  /** The request's child logger (made on first use). */
  readonly log: Logger;
  rawBody: string;
  rawBytes: Buffer;
  principal?: Principal;
  session?: StoredSession;
  sessionToken?: string;
  input: { body?: unknown; params?: unknown; query?: unknown };
  idempotencyLock?: IdempotencyLock;
  /** Records the effect of an idempotent request in the transaction that commits it. */
  effect?: ReturnType<typeof effectRecorder>;
}

type ApiContext = Context & { api: RequestState };
type Middleware = MiddlewareObj<HttpEvent, HttpResponse, Error, ApiContext>;

function rawBytesOf(event: HttpEvent): Buffer {
  if (typeof event.body !== 'string') return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** Sets up the request's id, logger and raw body; first in, so everything after can log. */
const requestState = (route: RouteDefinition): Middleware => ({
  before: (request) => {
    const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId;
    const rawBytes = rawBytesOf(request.event);
    const requestLog = new RequestLog({ requestId, route: `${route.method} ${route.path}` });
    request.context.api = {
      requestId,
      requestLog,
      get log() {
        return requestLog.logger;
      },
      rawBytes,
      rawBody: rawBytes.toString('utf8'),
      input: {},
    };
  },
});

/**
 * Maps anything thrown to the contract's error shape. Used first, so its onError runs last. An
 * error the route does not declare is answered all the same, and logged: the OpenAPI document
 * (made from the same declaration) would not have told the caller about it.
 */
const errorResponder = (route: RouteDefinition): Middleware => {
  const declared = new Set(routeErrors(route));
  return {
    onError: (request) => {
      const error = toAppError(request.error);
      const requestId = request.context.api?.requestId ?? request.context.awsRequestId ?? 'unknown';
      const log = request.context.api?.log ?? logger;
      if (!declared.has(error.code)) log.error('answered an error the route does not declare', { code: error.code, status: error.status });
      if (error.status >= 500) log.error('request failed', { code: error.code, error: request.error as Error });
      request.response = errorResponse(error, requestId);
    },
  };
};

/** Methods that change nothing: a session cookie alone authenticates them (no CSRF token needed). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Who is calling: a Bearer key, or, without one, a person's session cookie. A write made with the
 * cookie must carry the session's `X-CSRF-Token` (a page of another site can make the browser send
 * the cookie, never read the token). Either way, the same roles and tenant isolation apply.
 */
const authenticate = (route: RouteDefinition): Middleware => ({
  before: async (request) => {
    if (route.roles === 'public') return;
    const headers = request.event.headers ?? {};
    const header = headers.authorization ?? '';
    const secret = /^Bearer +(\S+) *$/i.exec(header)?.[1];
    let principal: Principal | undefined;
    if (secret !== undefined) {
      principal = await principalForSecret(secret);
      if (!principal) throw new AppError('invalid_api_key', 'This API key is not valid (unknown or revoked).');
    } else {
      const token = sessionTokenOf(request.event.cookies, headers.cookie);
      if (token === undefined || header !== '') throw new AppError('missing_api_key', 'Send your API key in the Authorization header: "Bearer <key>", or sign in.');
      const session = await findSession(token);
      if (!session) throw new AppError('invalid_api_key', 'Your session has ended: sign in again.');
      const method = request.event.requestContext?.http?.method ?? 'GET';
      if (!SAFE_METHODS.has(method.toUpperCase()) && !csrfMatches(session, headers['x-csrf-token'])) {
        throw new AppError('csrf_token_invalid', 'This change must carry the X-CSRF-Token header of your session (GET /v1/me gives it).');
      }
      principal = principalOfSession(session);
      request.context.api.session = session;
      request.context.api.sessionToken = token;
    }
    if (!route.roles.includes(principal.role)) {
      throw new AppError('forbidden', `This endpoint is not open to keys of the ${principal.role} role.`);
    }
    request.context.api.principal = principal;
    request.context.api.requestLog.appendKeys({ role: principal.role, keyId: principal.keyId, ...('tenantId' in principal ? { tenantId: principal.tenantId } : {}), ...('userId' in principal && principal.userId ? { userId: principal.userId } : {}) });
  },
});

/** The contract's 256 KiB, for the methods whose body the API reads (a GET's body is ignored). */
const limitBodySize = (route: RouteDefinition): Middleware => ({
  before: (request) => {
    const max = route.maxBodyBytes ?? MAX_BODY_BYTES;
    if (request.context.api.rawBytes.length > max) {
      throw new AppError('payload_too_large', `The request body must not exceed ${max / 1024} KiB.`);
    }
  },
});

/** Middy's JSON parser, except that an empty body means "no parameters" (`{}`). */
const jsonBody = (): Middleware => {
  const parser = httpJsonBodyParser() as unknown as Required<Pick<Middleware, 'before'>>;
  return {
    before: async (request) => {
      if (request.context.api.rawBody.trim() === '') {
        request.event.body = {};
        return;
      }
      // Media types are case-insensitive (RFC 9110): `APPLICATION/JSON` is JSON. Middy's check is not.
      const headers = request.event.headers;
      const contentType = headers?.['content-type'];
      if (headers && contentType) headers['content-type'] = contentType.replace(/^[^;]*/, (mediaType) => mediaType.trim().toLowerCase());
      await parser.before(request);
    },
  };
};

const validate = (route: RouteDefinition): Middleware => ({
  before: (request) => {
    const { body, params, query } = route.request ?? {};
    const input = request.context.api.input;
    if (params) {
      // Path parameters that cannot be valid ids name nothing that exists.
      const result = params.safeParse(request.event.pathParameters ?? {});
      if (!result.success) throw new AppError('resource_missing', 'No such resource.');
      input.params = result.data;
    }
    if (query) input.query = parseOrThrow(query, request.event.queryStringParameters ?? {});
    if (body) input.body = parseOrThrow(body, request.event.body);
  },
});

/**
 * `Idempotency-Key` on create endpoints: one resource per (caller, key), the first answer
 * replayed. The key is claimed first; then, for an effect written in one transaction, the
 * key's completion is written in that transaction (`effectRecorder`), so even a crash right
 * after the commit leaves a completed key to replay. What wrote nothing completes afterwards.
 */
const idempotency = (route: RouteDefinition): Middleware => ({
  before: async (request) => {
    const key = request.event.headers?.['idempotency-key'];
    if (key === undefined) return;
    if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new AppError('parameter_invalid', `Idempotency-Key must have 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`, { param: 'Idempotency-Key' });
    }
    const { api } = request.context;
    const fingerprint = requestFingerprint(request.event.requestContext.http.method, request.event.rawPath, request.event.body);
    const lockMs = routeTimeoutSeconds(route) * 1000 + IDEMPOTENCY_LOCK_MARGIN_MS;
    const outcome = await idempotencyStore.begin(callerScope(api.principal as Principal), key, fingerprint, undefined, lockMs);
    switch (outcome.kind) {
      case 'acquired': {
        api.idempotencyLock = outcome.lock;
        if (route.idempotent === true) {
          const status = successStatus(route);
          api.effect = effectRecorder(outcome.lock, (result) => toHttpResponse({ status, body: result }, api.requestId));
        }
        return;
      }
      case 'replay':
        api.log.info('idempotent replay');
        return replayed(outcome.response);
      case 'mismatch':
        throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used with another request. Use a new key for a new request.', {
          param: 'Idempotency-Key',
        });
      case 'in_progress':
        throw new AppError('idempotency_request_in_progress', 'A request with this Idempotency-Key is still being processed. Retry in a moment.', {
          param: 'Idempotency-Key',
          headers: { 'retry-after': '1' },
        });
    }
  },
  after: async (request) => {
    const { idempotencyLock: lock, effect } = request.context.api;
    if (!lock || !request.response || effect?.done) return;
    if (request.response.statusCode >= 500) await idempotencyStore.release(lock);
    else await idempotencyStore.complete(lock, request.response);
  },
  onError: async (request) => {
    const lock = request.context.api?.idempotencyLock;
    if (!lock || request.context.api.effect?.done) return;
    const error = toAppError(request.error);
    if (error.status >= 500) {
      // Nothing was committed under this key (the effect would have completed it): the retry runs again.
      await idempotencyStore.release(lock).catch((releaseError: unknown) => request.context.api.log.warn('idempotency key not released', { error: String(releaseError) }));
      return;
    }
    // A client error of a started request is part of its answer: replayed like a success.
    const response = errorResponse(error, request.context.api.requestId);
    await idempotencyStore.complete(lock, response);
    return response;
  },
});

function replayed(response: Pick<HttpResponse, 'statusCode' | 'headers' | 'body'>): HttpResponse {
  return { ...response, headers: { ...response.headers, 'idempotent-replayed': 'true' } };
}

/**
 * Runs the route function, recording its effect when the request is idempotent. Once the
 * effect is committed, the answer is the committed one: what a retry replays is exactly what
 * this request answered, even if something after the commit failed.
 */
async function runRoute(api: RequestState, fn: () => Promise<ApiResult>): Promise<HttpResponse> {
  const { effect } = api;
  if (!effect) return toHttpResponse(await fn(), api.requestId);
  let result: ApiResult;
  try {
    result = await recordingEffect(effect, fn);
  } catch (error) {
    if (error instanceof IdempotentReplay) return replayed(error.response);
    if (!effect.done) throw error;
    api.log.error('failed after committing its effect: answering with the committed result', { error: error as Error });
    return effect.response as HttpResponse;
  }
  const response = toHttpResponse(result, api.requestId);
  if (!effect.done) return response;
  const committed = effect.response as HttpResponse;
  if (committed.body !== response.body || committed.statusCode !== response.statusCode) {
    api.log.error('route answered differently from the result it committed: answering with the committed one', { status: response.statusCode });
  }
  return committed;
}

/**
 * Wraps a route function in the shared middy stack: request state, errors in the contract's
 * shape, authentication and role check from the route table, body limit, JSON parsing, zod
 * validation and idempotency. The function only sees typed input and returns a status and body.
 */
export function apiHandler<const R extends RouteDefinition>(route: R, fn: (request: ApiRequest<R>) => Promise<ApiResult>) {
  const stack = middy<HttpEvent, HttpResponse, Error, ApiContext>()
    .use(requestState(route))
    .use(errorResponder(route))
    .use(httpEventNormalizer() as unknown as Middleware)
    .use(authenticate(route));
  if (readsBody(route)) stack.use(limitBodySize(route));
  if (route.request?.body) stack.use(jsonBody());
  stack.use(validate(route));
  if (route.idempotent) stack.use(idempotency(route));

  stack.handler(async (event, context) => {
    const { api } = context;
    return runRoute(api, () => fn({
      body: api.input.body,
      params: api.input.params,
      query: api.input.query,
      principal: api.principal,
      headers: event.headers ?? {},
      rawBody: api.rawBody,
      rawBytes: api.rawBytes,
      sourceIp: event.requestContext?.http?.sourceIp ?? '',
      requestId: api.requestId,
      session: api.session,
      sessionToken: api.sessionToken,
      get log() {
        return api.log;
      },
    } as ApiRequest<R>));
  });

  return async (event: APIGatewayProxyEventV2, context: Context): Promise<HttpResponse> => {
    const started = performance.now();
    const response = await stack(event as HttpEvent, context as ApiContext);
    // The access line: request id, route, and once authenticated the tenant, role and key id.
    logger.info('request', {
      requestId: event.requestContext?.requestId,
      route: `${route.method} ${route.path}`,
      ...(context as Partial<ApiContext>).api?.requestLog.keys,
      status: response.statusCode,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
    });
    return response;
  };
}
