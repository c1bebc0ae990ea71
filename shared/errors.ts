/**
 * The error catalogue: every error code the API can answer, with its HTTP status and type.
 * Domain code throws `AppError` with a code from here; the HTTP layer maps it in one place
 * (shared/http/error-response.ts). Codes follow the public contract and only ever grow.
 */
export const errorCatalogue = {
  parameter_missing: { status: 400, type: 'invalid_request' },
  parameter_invalid: { status: 400, type: 'invalid_request' },
  malformed_json: { status: 400, type: 'invalid_request' },
  unknown_parameter: { status: 400, type: 'invalid_request' },
  missing_api_key: { status: 401, type: 'authentication_error' },
  invalid_api_key: { status: 401, type: 'authentication_error' },
  invalid_signature: { status: 401, type: 'authentication_error' },
  forbidden: { status: 403, type: 'permission_error' },
  resource_missing: { status: 404, type: 'not_found' },
  route_not_found: { status: 404, type: 'not_found' },
  idempotency_key_reused: { status: 409, type: 'conflict' },
  idempotency_request_in_progress: { status: 409, type: 'conflict' },
  invalid_transition: { status: 409, type: 'conflict' },
  slot_full: { status: 409, type: 'conflict' },
  quote_already_used: { status: 409, type: 'conflict' },
  quote_expired: { status: 410, type: 'gone' },
  payload_too_large: { status: 413, type: 'invalid_request' },
  unsupported_media_type: { status: 415, type: 'invalid_request' },
  outside_service_area: { status: 422, type: 'unprocessable' },
  exceeds_capacity: { status: 422, type: 'unprocessable' },
  address_not_geocoded: { status: 422, type: 'unprocessable' },
  too_many_requests: { status: 429, type: 'rate_limited' },
  slot_has_bookings: { status: 409, type: 'conflict' },
  internal: { status: 500, type: 'api_error' },
  upstream_unavailable: { status: 503, type: 'api_error' },
  service_unavailable: { status: 503, type: 'api_error' },
} as const satisfies Record<string, { status: number; type: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface AppErrorOptions {
  /** The request field at fault, as a dotted path (`dropoff.address.lat`). */
  param?: string;
  /** Extra headers the response must carry (`Retry-After`, `Allow`...). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** An error the API answers on purpose: its code decides the status and type. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly param: string | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.param = options.param;
    this.headers = options.headers;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  get type(): string {
    return errorCatalogue[this.code].type;
  }
}

/** The answer for an id that does not exist or that the caller may not see: indistinguishable on purpose. */
export function notFound(what: string, id?: string): AppError {
  return new AppError('resource_missing', id === undefined ? `No such ${what}.` : `No such ${what}: '${truncate(id)}'.`, {
    param: 'id',
  });
}

/** Keeps caller-supplied text short when it is echoed in a message. */
export function truncate(text: string, max = 64): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
