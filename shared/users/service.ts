import { randomBytes } from 'node:crypto';
import { clearedSessionCookie, hashToken, newSession, revokeSession, revokeUserSessions, type StoredSession } from '../auth/sessions.js';
import type { Principal } from '../auth/principal.js';
import { config } from '../config.js';
import { transact } from '../db/transact.js';
import { enforceRateLimits } from '../http/rate-limit.js';
import { newId } from '../ids.js';
import { logger } from '../logging/logger.js';
import { notificationIdFor, sendOnce } from '../notifications/service.js';
import { assertManagesTenant, getTenant } from '../tenants/service.js';
import { signInErrors, userErrors } from './errors.js';
import { userRepository } from './repository.js';
import { normalizeEmail, type CreateHubUserBody, type CreateTenantUserBody, type User } from './schemas.js';
import { escapeHtml } from '../html.js';

/** A sign-in link works once, for this long. */
export const SIGN_IN_LINK_SECONDS = 15 * 60;
/** Sign-in requests: per client address and per e-mail address, per quarter of an hour. */
export const SIGN_IN_LIMITS = { perAddress: 60, perEmail: 5, windowSeconds: 15 * 60 };

class Taken extends Error {}

async function create(user: User): Promise<User> {
  try {
    await transact(userRepository.create(user), () => new Taken(), { result: user });
  } catch (error) {
    if (error instanceof Taken) throw userErrors.error('invalid_transition', `${user.email} has an account already: one person, one address.`);
    throw error;
  }
  return user;
}

const inviter = (principal: Principal) => ('userId' in principal && principal.userId ? principal.userId : principal.keyId);

export async function inviteTenantUser(principal: Principal, tenantId: string, body: CreateTenantUserBody, now = new Date()): Promise<User> {
  assertManagesTenant(principal, tenantId);
  await getTenant(tenantId);
  return create({
    id: newId('user', now.getTime()),
    object: 'user',
    email: normalizeEmail(body.email),
    name: body.name,
    role: body.role,
    tenantId,
    tenantAdmin: body.role === 'tenant' && body.tenantAdmin,
    createdAt: now.toISOString(),
    invitedBy: inviter(principal),
  });
}

export async function createHubUser(principal: Principal, body: CreateHubUserBody, now = new Date()): Promise<User> {
  return create({ id: newId('user', now.getTime()), object: 'user', email: normalizeEmail(body.email), name: body.name, role: body.role, tenantId: null, tenantAdmin: false, createdAt: now.toISOString(), invitedBy: inviter(principal) });
}

export async function listTenantUsers(principal: Principal, tenantId: string): Promise<User[]> {
  if (principal.role !== 'admin' && !(principal.role === 'tenant' && principal.tenantId === tenantId)) throw userErrors.notFound('tenant', tenantId);
  await getTenant(tenantId);
  return userRepository.list(tenantId);
}

export async function listHubUsers(): Promise<User[]> {
  return userRepository.list('hub');
}

/** Removes a person: their account, their address's marker, and every session they have open. */
export async function removeUser(principal: Principal, userId: string, now = new Date()): Promise<void> {
  const user = await userRepository.get(userId);
  if (!user) throw userErrors.notFound('user', userId);
  if (principal.role !== 'admin') {
    if (user.tenantId === null || principal.role !== 'tenant' || principal.tenantId !== user.tenantId) throw userErrors.notFound('user', userId);
    assertManagesTenant(principal, user.tenantId);
  }
  await transact(userRepository.remove(user), () => userErrors.notFound('user', userId), { result: null });
  await revokeUserSessions(user.id, now);
}

/**
 * `POST /v1/auth/sign-in`: when the address has an account, a single-use link valid 15 minutes
 * goes out through the notifier (SES in AWS; locally the e-mail outbox, and the log prints it).
 * The answer is the same either way; requests are limited per client and per address.
 */
export async function requestSignIn(typed: string, sourceIp: string, now = new Date()): Promise<{ object: 'sign_in_requested'; email: string; expiresInSeconds: number }> {
  const email = normalizeEmail(typed);
  const { perAddress, perEmail, windowSeconds } = SIGN_IN_LIMITS;
  await enforceRateLimits(
    [
      { scope: 'sign-in-ip', subject: sourceIp || 'unknown', limit: perAddress, windowSeconds },
      { scope: 'sign-in-email', subject: email, limit: perEmail, windowSeconds },
    ],
    now.getTime(),
  );
  const answer = { object: 'sign_in_requested' as const, email, expiresInSeconds: SIGN_IN_LINK_SECONDS };
  const user = await userRepository.findByEmail(email);
  if (!user) return answer;
  const token = randomBytes(32).toString('base64url');
  const id = newId('signInLink', now.getTime());
  const expiresAt = Math.floor(now.getTime() / 1000) + SIGN_IN_LINK_SECONDS;
  await transact([userRepository.linkItem({ tokenHash: hashToken(token), id, userId: user.id, createdAt: now.toISOString(), expiresAt })], () => new Error('sign-in link exists already'));
  const url = `${config.publicBaseUrl}/app/sign-in#token=${token}`;
  const until = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(new Date(expiresAt * 1000));
  const text = [
    `Bonjour ${user.name},`,
    `pour vous connecter à ${config.hubName}, ouvrez ce lien (valable 15 minutes, jusqu'à ${until}, une seule fois) :`,
    url,
    "Si vous n'avez rien demandé, ignorez ce message : personne ne peut se connecter sans ce lien.",
    `Hello ${user.name}, to sign in to ${config.hubName}, open the link above (valid for 15 minutes, once). If you did not ask for it, ignore this message.`,
  ].join('\n\n');
  const html = `<!doctype html><html lang="fr"><body style="font-family:system-ui,sans-serif;line-height:1.5"><p>Bonjour ${escapeHtml(user.name)},</p><p>pour vous connecter à ${escapeHtml(config.hubName)}, ouvrez ce lien (valable 15 minutes, une seule fois) :</p><p><a href="${url}">Se connecter</a></p><p>Si vous n'avez rien demandé, ignorez ce message.</p><hr><p lang="en">Hello, to sign in, open the link above (valid for 15 minutes, once).</p></body></html>`;
  await sendOnce({ id: notificationIdFor(id), tenantId: user.tenantId ?? 'hub', eventId: id, eventType: 'auth.sign_in', to: user.email, subject: `Votre lien de connexion — ${config.hubName}`, text, html }, now);
  if (config.notifier === 'outbox') logger.info('sign-in link (local e-mail outbox: open it to sign in)', { to: user.email, url });
  return answer;
}


class LinkRefused extends Error {}

/**
 * `POST /v1/auth/sessions`: the link's token opens a session, once: the link is marked used (on
 * the condition that it was not, and has not expired) in the transaction that creates the
 * session. A reused, expired or forged link is the same 401.
 */
export async function openSession(token: string, now = new Date()): Promise<{ token: string; session: StoredSession; user: User }> {
  const refused = () => signInErrors.error('invalid_sign_in_link', 'This sign-in link was used already, has expired or is not valid: ask for a new one.');
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw refused();
  const tokenHash = hashToken(token);
  const link = await userRepository.getLink(tokenHash);
  if (!link || link.usedAt !== undefined || link.expiresAt <= Math.floor(now.getTime() / 1000)) throw refused();
  const user = await userRepository.get(link.userId);
  if (!user) throw refused();
  const opened = newSession({ role: user.role, userId: user.id, tenantId: user.tenantId, tenantAdmin: user.tenantAdmin, ...(user.role === 'courier' ? { courierId: user.courierId ?? null } : {}) }, now);
  const result = { object: 'session' as const, user, csrfToken: opened.session.csrfToken, expiresAt: new Date(opened.session.expiresAt * 1000).toISOString() };
  try {
    await transact([userRepository.useLinkItem(tokenHash, now), opened.create], () => new LinkRefused(), { result });
  } catch (error) {
    if (error instanceof LinkRefused) throw refused();
    throw error;
  }
  return { token: opened.token, session: opened.session, user };
}

/** Sign-out: the session ends (nothing to end for a key), and the answer clears its cookie. */
export async function closeSession(session: StoredSession | undefined): Promise<{ clearCookie: string }> {
  if (session) await revokeSession(session.tokenHash);
  return { clearCookie: clearedSessionCookie() };
}

export async function me(principal: Principal, session: StoredSession | undefined) {
  const user = session ? await userRepository.get(session.userId) : undefined;
  return {
    object: 'me' as const,
    user: user ?? null,
    role: principal.role,
    tenantId: 'tenantId' in principal && principal.tenantId !== undefined ? principal.tenantId : null,
    csrfToken: session?.csrfToken ?? null,
    sessionExpiresAt: session ? new Date(Math.min(session.expiresAt, session.lastSeenAt + 8 * 3600) * 1000).toISOString() : null,
  };
}
