/**
 * The error catalogue: every error code the API can answer, with its HTTP status, type and what
 * it means (the OpenAPI document and the API reference show it). Domain code throws `AppError`
 * with a code from here; the HTTP layer maps it in one place (shared/http/response.ts). Codes
 * follow the public contract and only ever grow.
 */
export const errorCatalogue = {
  parameter_missing: { status: 400, type: 'invalid_request', means: 'A required field is missing (`param` names it).' },
  parameter_invalid: { status: 400, type: 'invalid_request', means: 'A field has a value the API cannot take (`param` names it, `message` says why).' },
  malformed_json: { status: 400, type: 'invalid_request', means: 'The body is not valid JSON.' },
  unknown_parameter: { status: 400, type: 'invalid_request', means: 'The body has a field the API does not know (a typo, usually).' },
  rrule_invalid: { status: 400, type: 'invalid_request', means: 'A standing order\'s `rrule` is not an RFC 5545 RRULE the API can read (`message` says what is wrong; DTSTART is `startDate`, not part of the rule).' },
  rrule_too_frequent: { status: 400, type: 'invalid_request', means: 'A standing order\'s `rrule` repeats more often than once a day (FREQ=HOURLY/MINUTELY/SECONDLY, or several BYHOUR/BYMINUTE/BYSECOND values).' },
  rrule_empty: { status: 400, type: 'invalid_request', means: 'A standing order\'s `rrule` produces no date between `startDate` and `endDate` (looked for up to 5 years ahead).' },
  missing_api_key: { status: 401, type: 'authentication_error', means: 'No `Authorization: Bearer <key>` header.' },
  invalid_api_key: { status: 401, type: 'authentication_error', means: 'The key is unknown or revoked.' },
  invalid_signature: { status: 401, type: 'authentication_error', means: 'The signature of a signed request (webhook) is missing or wrong.' },
  forbidden: { status: 403, type: 'permission_error', means: "The key's role may not call this endpoint." },
  csrf_token_invalid: { status: 403, type: 'permission_error', means: 'A change made with a session cookie must carry the session\'s `X-CSRF-Token` header (`GET /v1/me` gives it).' },
  invalid_sign_in_link: { status: 401, type: 'authentication_error', means: 'The sign-in link was used already, has expired (15 minutes) or is not one of ours: ask for a new one.' },
  resource_missing: { status: 404, type: 'not_found', means: 'No such resource, or not yours (the two are not told apart).' },
  route_not_found: { status: 404, type: 'not_found', means: 'No such endpoint.' },
  idempotency_key_reused: { status: 409, type: 'conflict', means: 'This `Idempotency-Key` was used with another request.' },
  idempotency_request_in_progress: { status: 409, type: 'conflict', means: 'A request with this `Idempotency-Key` is still running: retry after `Retry-After`.' },
  invalid_transition: { status: 409, type: 'conflict', means: 'The resource is in a state that does not allow this change.' },
  slot_full: { status: 409, type: 'conflict', means: 'The slot has no capacity left.' },
  quote_already_used: { status: 409, type: 'conflict', means: 'The quote was booked already.' },
  delivery_cancelled: { status: 409, type: 'conflict', means: 'The delivery is cancelled: it has no labels to print (nothing will be picked up).' },
  slot_has_bookings: { status: 409, type: 'conflict', means: 'The slot has bookings: it cannot be removed or shrunk below them.' },
  shift_overlap: { status: 409, type: 'conflict', means: "The shift overlaps another of the courier's shifts (the day before's or the day after's)." },
  over_capacity: { status: 409, type: 'conflict', means: "The round would carry more than the courier's vehicle at some point (kg or litres): the message names the stop." },
  not_on_round: { status: 409, type: 'conflict', means: "The delivery is not (or no longer) on this courier's round: the hub assigned it to someone else, or took it back." },
  off_shift: { status: 409, type: 'conflict', means: 'The courier has no shift in progress: positions are only taken during a shift.' },
  plan_outdated: { status: 409, type: 'conflict', means: 'A delivery the plan placed changed since the plan was made (booked, assigned, picked up or cancelled meanwhile): plan the day again.' },
  not_at_hub: { status: 409, type: 'conflict', means: 'A delivery through the hub: its parcels are not all checked in at the hub yet, so they cannot leave it (check-out, or the courier\'s pickup).' },
  not_via_hub: { status: 409, type: 'conflict', means: 'The delivery goes straight from its pickup to its drop-off: it does not go through the hub (its labels are not scanned there).' },
  version_conflict: { status: 409, type: 'conflict', means: 'Someone changed the resource since you read it (`version`): read it again and redo the change.' },
  quote_expired: { status: 410, type: 'gone', means: 'The quote expired: ask for a new one.' },
  payload_too_large: { status: 413, type: 'invalid_request', means: 'The body is over 256 KiB.' },
  unsupported_media_type: { status: 415, type: 'invalid_request', means: 'The body must be sent as `application/json`.' },
  label_other_hub: { status: 422, type: 'unprocessable', means: "The scanned label is another hub's (its code starts with another hub's code): `message` names it." },
  outside_service_area: { status: 422, type: 'unprocessable', means: "A stop is outside the hub's service area." },
  amount_too_large: { status: 422, type: 'unprocessable', means: 'The amount is more than what remains: still owed on the invoice (a payment), or left to credit (a credit note).' },
  statement_malformed: { status: 400, type: 'invalid_request', means: 'The bank statement cannot be read: not a camt.053 or CSV statement, or a line without a date or amount (`message` says where).' },
  statement_unsupported: { status: 400, type: 'invalid_request', means: 'The file is XML of another kind than a camt.053 statement (a camt.054, a pain.001…).' },
  currency_not_supported: { status: 422, type: 'unprocessable', means: 'The statement (or a line of it) is in another currency than EUR.' },
  photo_too_large: { status: 400, type: 'invalid_request', means: 'The photo is over the limit (10 MB): `message` names it. Take it again at a lower resolution.' },
  photo_type_invalid: { status: 400, type: 'invalid_request', means: 'The uploaded file is not a JPEG, PNG or WebP image (by its content, whatever its name or declared type), or it is damaged.' },
  photo_missing: { status: 409, type: 'conflict', means: 'The photo named was never uploaded (or its upload slot expired): upload the photo before reporting the delivery.' },
  exceeds_capacity: { status: 422, type: 'unprocessable', means: "The parcels exceed one cargo bike's capacity (weight or volume)." },
  address_not_geocoded: { status: 422, type: 'unprocessable', means: 'An address has no coordinates and none could be found: give `lat`/`lng`.' },
  too_many_requests: { status: 429, type: 'rate_limited', means: 'Too many requests: retry after `Retry-After`.' },
  internal: { status: 500, type: 'api_error', means: 'Our fault: it has been logged; quote the `requestId`.' },
  upstream_unavailable: { status: 503, type: 'api_error', means: 'A service the request needs (the address service) does not answer: retry shortly.' },
  service_unavailable: { status: 503, type: 'api_error', means: 'The database is briefly unavailable: nothing was lost, retry after `Retry-After` (with the same `Idempotency-Key`).' },
  seller_identity_incomplete: {
    status: 503,
    type: 'api_error',
    means: "Invoicing is switched off: the cooperative's own identity as a seller (SIRET, VAT number, IBAN…) is not configured yet. Nothing was billed; the same request succeeds once the operator has set it.",
  },
} as const satisfies Record<string, { status: number; type: string; means: string }>;

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

/**
 * The error codes one part of the domain may answer with, declared once in its area's
 * `errors.ts` and used to raise them: `bookingErrors.error('slot_full', …)` type-checks only
 * for a code of the set, so what a module raises is what its set declares. Routes list the sets
 * of what they call (`errors` in their definition); the plumbing adds its own; the OpenAPI
 * document and the runtime check of answers are made from that list.
 */
export interface ErrorSet<C extends ErrorCode = ErrorCode> {
  readonly kind: 'error-set';
  readonly codes: readonly C[];
  /** The error to throw, with a code of this set. */
  error(code: C, message: string, options?: AppErrorOptions): AppError;
  /** "No such …": `resource_missing`, for a set that declares it. */
  notFound: 'resource_missing' extends C ? (what: string, id?: string) => AppError : never;
  /** Narrows a code computed at run time to this set. */
  has(code: string): code is C;
}

export function errorSet<const C extends ErrorCode>(...codes: C[]): ErrorSet<C> {
  const known = new Set<string>(codes);
  return {
    kind: 'error-set',
    codes,
    error: (code, message, options) => new AppError(code, message, options),
    notFound: ((what: string, id?: string) => notFound(what, id)) as ErrorSet<C>['notFound'],
    has: (code): code is C => known.has(code),
  };
}

export function isErrorSet(value: unknown): value is ErrorSet {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'error-set';
}
