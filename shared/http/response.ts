import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError } from '../errors.js';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string>; body: string };

/** What a route function returns: a status and a JSON body, or text with its content type. */
export interface ApiResult {
  status: number;
  body?: unknown;
  /** For non-JSON answers (HTML, CSV): the body must then be a string, or bytes (a PDF). */
  contentType?: string;
  headers?: Record<string, string>;
  /** `Set-Cookie` values (a session's). */
  cookies?: string[];
}

const baseHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

export function toHttpResponse(result: ApiResult, requestId: string): HttpResponse {
  if (result.body instanceof Uint8Array) {
    // Bytes (a PDF): base64 in the proxy result, as API Gateway and the local server expect.
    return {
      statusCode: result.status,
      headers: { ...baseHeaders, 'content-type': result.contentType ?? 'application/octet-stream', 'request-id': requestId, ...result.headers },
      body: Buffer.from(result.body).toString('base64'),
      isBase64Encoded: true,
    };
  }
  const isJson = result.contentType === undefined;
  const body = result.body === undefined ? '' : isJson ? JSON.stringify(result.body) : String(result.body);
  return {
    ...(result.cookies?.length ? { cookies: result.cookies } : {}),
    statusCode: result.status,
    headers: {
      ...baseHeaders,
      ...(body === '' ? {} : { 'content-type': result.contentType ?? 'application/json; charset=utf-8' }),
      'request-id': requestId,
      ...result.headers,
    },
    body,
  };
}

/** The contract's error shape; never a stack trace, whatever the error was. */
export function errorResponse(error: AppError, requestId: string): HttpResponse {
  return toHttpResponse(
    {
      status: error.status,
      body: {
        error: {
          type: error.type,
          code: error.code,
          message: error.message,
          ...(error.param === undefined ? {} : { param: error.param }),
          requestId,
        },
      },
      headers: error.headers,
    },
    requestId,
  );
}

/** Errors that say "the database could not be reached or is overloaded", not "the request is wrong". */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'LocalStoreUnavailable',
]);

/**
 * DynamoDB unreachable (a network fault, DynamoDB Local's JVM gone) or throttling after the SDK's
 * own retries: a 503 the client may retry, not a 500. The request's writes either committed or
 * did not; an idempotent retry finds out which (shared/db/effect.ts).
 */
export function isStoreUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (UNAVAILABLE_NAMES.has(current.name)) return true;
  }
  return false;
}

interface MiddyHttpError {
  statusCode?: number;
  message: string;
  cause?: { package?: string };
}

/**
 * Whatever was thrown, the AppError to answer with. Middy's JSON parser answers 415 both for a
 * wrong content type and for malformed JSON; the contract wants 400 `malformed_json` for the latter.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const middyError = error as MiddyHttpError | undefined;
  if (middyError?.cause?.package === '@middy/http-json-body-parser') {
    return middyError.message === 'Unsupported Media Type'
      ? new AppError('unsupported_media_type', 'Send the body as JSON, with Content-Type: application/json.', { param: 'Content-Type' })
      : new AppError('malformed_json', 'The request body is not valid JSON.');
  }
  if (isStoreUnavailable(error)) {
    return new AppError('service_unavailable', 'The service is briefly unavailable. Nothing was lost: retry in a few seconds (with the same Idempotency-Key, if you sent one).', {
      headers: { 'retry-after': '2' },
      cause: error,
    });
  }
  if (error instanceof Error && error.name === 'GeocoderUnavailableError') {
    return new AppError('upstream_unavailable', 'The address service does not answer right now: retry shortly, or give lat/lng.', { headers: { 'retry-after': '5' } });
  }
  return new AppError('internal', 'Something went wrong on our side. It has been logged; retry later or quote the requestId.', {
    cause: error,
  });
}
