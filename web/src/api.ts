import { ApiError, NETWORK_ERROR } from './errors.js';
import type { Lang } from './format.js';

/**
 * The one way the app talks to the API: relative `/v1/...` URLs on the same origin, the session
 * cookie sent by the browser, the CSRF token on every write, the person's language for the
 * sentences the API writes (price labels), and the API's errors as `ApiError`.
 */
let csrfToken: string | null = null;
let language: Lang = 'fr';
let onSessionLost: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
export function setApiLanguage(lang: Lang): void {
  language = lang;
}
/** Called when the API says the session is gone (expired, revoked, signed out elsewhere). */
export function onUnauthenticated(listener: (() => void) | null): void {
  onSessionLost = listener;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is with this content type (a bank statement file). */
  raw?: { data: Blob | ArrayBuffer | string; contentType: string };
  idempotencyKey?: string;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
  /** Internal: the request is being sent again with a fresh CSRF token. */
  retried?: boolean;
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

export async function api<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': language };
  let body: BodyInit | undefined;
  if (options.raw) {
    headers['content-type'] = options.raw.contentType;
    body = options.raw.data;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;

  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      body: body ?? null,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (cause) {
    if ((cause as { name?: string })?.name === 'AbortError') throw cause;
    throw new ApiError(0, { code: NETWORK_ERROR, message: String(cause) });
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, (json as { error?: Record<string, string> } | undefined)?.error ?? { message: text.slice(0, 200) });
    // A write refused for its CSRF token (a session renewed in another tab) changed nothing: take
    // the session's current token and send it once more.
    if (error.code === 'csrf_token_invalid' && !options.retried) {
      const me = await api<{ csrfToken: string | null }>('GET', '/v1/me').catch(() => null);
      if (me?.csrfToken && me.csrfToken !== csrfToken) {
        csrfToken = me.csrfToken;
        return api<T>(method, path, { ...options, retried: true });
      }
    }
    if (response.status === 401 && !path.startsWith('/v1/auth/') && !path.startsWith('/v1/me')) onSessionLost?.();
    throw error;
  }
  return json as T;
}

/** A page of a list, as every list of the API answers. */
export interface Page<T> {
  data: T[];
  hasMore: boolean;
  nextCursor?: string | null;
}
