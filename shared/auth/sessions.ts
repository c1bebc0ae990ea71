import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { config } from '../config.js';
import { changes, defineEntity, type Expression } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import { writeIf } from '../db/transact.js';
import { newId } from '../ids.js';
import type { Principal } from './principal.js';

/**
 * People's sessions, beside API keys: the plumbing authenticates a request by its Bearer key or,
 * without one, by its session cookie (`shared/http/handler.ts`). A session is a random 256-bit
 * token in an HttpOnly cookie, stored only as its SHA-256 (as keys are), with the principal it
 * acts as (the same roles and tenant isolation as keys) and a CSRF token that cookie-authenticated
 * writes must echo in `X-CSRF-Token`. Sessions end after idle time or at their absolute end, and
 * are revoked at sign-out or when their user is removed.
 */
export const SESSION_COOKIE = 'dh_session';
/** A session unused this long ends. */
export const SESSION_IDLE_SECONDS = 8 * 3600;
/** And none lives longer than this. */
export const SESSION_MAX_SECONDS = 30 * 86_400;
/** `lastSeenAt` is written at most this often (one write per request would double the cost). */
const TOUCH_EVERY_SECONDS = 5 * 60;

export interface SessionPrincipal {
  role: 'admin' | 'tenant' | 'accountant' | 'courier';
  userId: string;
  tenantId: string | null;
  tenantAdmin: boolean;
  /** A courier who signs in: the courier they ride as. */
  courierId?: string | null;
}

export interface StoredSession extends SessionPrincipal {
  tokenHash: string;
  id: string;
  csrfToken: string;
  createdAt: string;
  /** Epoch seconds. */
  lastSeenAt: number;
  expiresAt: number;
  revokedAt?: string;
}

export const sessions = defineEntity<StoredSession, Pick<StoredSession, 'tokenHash'>>({
  name: 'session',
  key: ({ tokenHash }) => ({ pk: `SESSION#${tokenHash}`, sk: 'SESSION' }),
  indexes: ({ userId, id }) => ({ gsi1pk: `SESSIONS#${userId}`, gsi1sk: id }),
  ttl: ({ expiresAt }) => expiresAt,
});

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new session for a user: the token (for the cookie, never stored), and the item to write. */
export function newSession(principal: SessionPrincipal, now: Date): { token: string; session: StoredSession; create: TransactItem } {
  const token = randomBytes(32).toString('base64url');
  const seconds = Math.floor(now.getTime() / 1000);
  const session: StoredSession = {
    ...principal,
    tokenHash: hashToken(token),
    id: newId('session', now.getTime()),
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: now.toISOString(),
    lastSeenAt: seconds,
    expiresAt: seconds + SESSION_MAX_SECONDS,
  };
  return { token, session, create: sessions.create(session) };
}

/** The session a cookie names, while it lives (not revoked, not idle too long, not past its end). */
export async function findSession(token: string, now = new Date()): Promise<StoredSession | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const session = await sessions.get({ tokenHash: hashToken(token) });
  const seconds = Math.floor(now.getTime() / 1000);
  if (!session || session.revokedAt !== undefined || session.expiresAt <= seconds || session.lastSeenAt + SESSION_IDLE_SECONDS <= seconds) return undefined;
  if (seconds - session.lastSeenAt >= TOUCH_EVERY_SECONDS) {
    // Best effort: a lost touch only shortens the idle window by a few minutes.
    await writeIf(sessions.update(session, changes({ set: { lastSeenAt: seconds } }))).catch(() => false);
  }
  return session;
}

export function principalOfSession(session: StoredSession): Principal {
  const keyId = session.id;
  const who = { keyId, userId: session.userId };
  switch (session.role) {
    case 'admin':
      return { role: 'admin', ...who };
    case 'tenant':
      return { role: 'tenant', ...who, tenantId: session.tenantId as string, tenantAdmin: session.tenantAdmin };
    case 'accountant':
      return session.tenantId === null ? { role: 'accountant', ...who } : { role: 'accountant', ...who, tenantId: session.tenantId };
    case 'courier':
      return { role: 'courier', ...who, courierId: session.courierId as string };
  }
}

/** Whether a write's `X-CSRF-Token` is the session's (compared in constant time). */
export function csrfMatches(session: StoredSession, header: string | undefined): boolean {
  if (header === undefined || header.length === 0 || header.length > 128) return false;
  const left = createHash('sha256').update(header).digest();
  const right = createHash('sha256').update(session.csrfToken).digest();
  return timingSafeEqual(left, right);
}

const notRevoked: Expression = { expression: 'attribute_not_exists(revokedAt)' };

/** Ends a session (sign-out). */
export async function revokeSession(tokenHash: string, now = new Date()): Promise<void> {
  await writeIf(sessions.update({ tokenHash }, changes({ set: { revokedAt: now.toISOString() } }), notRevoked));
}

/** Ends every session of a user (removed, or their role changed). */
export async function revokeUserSessions(userId: string, now = new Date()): Promise<number> {
  const found = await sessions.queryAll({ partition: { gsi1pk: `SESSIONS#${userId}` } });
  let revoked = 0;
  for (const session of found) {
    if (await writeIf(sessions.update(session, changes({ set: { revokedAt: now.toISOString() } }), notRevoked))) revoked += 1;
  }
  return revoked;
}

/** `Set-Cookie` values: the session's, and the one that clears it. */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_MAX_SECONDS}${secure()}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure()}`;
}

/** `Secure` wherever the app is served over HTTPS (AWS); not on http://localhost, where browsers would drop it. */
function secure(): string {
  return config.publicBaseUrl.startsWith('https://') ? '; Secure' : '';
}

/** The session token of a request's cookies (API Gateway's payload 2.0 `cookies`, or a `cookie` header). */
export function sessionTokenOf(cookies: readonly string[] | undefined, header: string | undefined): string | undefined {
  const all = [...(cookies ?? []), ...(header ?? '').split(';')];
  for (const cookie of all) {
    const [name, ...rest] = cookie.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=');
  }
  return undefined;
}
