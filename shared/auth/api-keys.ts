import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { keys } from '../db/keys.js';
import { newId } from '../ids.js';
import type { Principal, Role } from './principal.js';

/** 32 random bytes: 256 bits of entropy, far above the contract's 128. */
const SECRET_BYTES = 32;
const keyPrefix: Record<Role, string> = { admin: 'dh_adm_', tenant: 'dh_ten_', courier: 'dh_cou_', accountant: 'dh_acc_' };
/** Longer than any key we issue: such a header is refused without a database read. */
const MAX_KEY_LENGTH = 128;

export function generateSecret(role: Role): string {
  return keyPrefix[role] + randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * SHA-256 is the right hash here, not a slow password hash: the secret is 256 random bits, so
 * there is nothing to brute-force, and authentication stays one fast lookup.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export type KeyOwner =
  | { role: 'admin' }
  | { role: 'tenant'; tenantId: string }
  | { role: 'accountant'; tenantId: string }
  | { role: 'courier'; courierId: string };

export interface IssuedKey {
  id: string;
  /** The secret: returned once, never stored. */
  key: string;
  role: Role;
  createdAt: string;
}

function ownerId(owner: KeyOwner): string {
  if (owner.role === 'courier') return owner.courierId;
  if (owner.role === 'admin') return 'hub';
  return owner.tenantId;
}

/** Builds the item of a new key; the caller writes it (alone, or inside a transaction). */
export function newApiKeyItem(owner: KeyOwner, now = new Date()): { issued: IssuedKey; item: Record<string, unknown> } {
  const id = newId('apiKey', now.getTime());
  const secret = generateSecret(owner.role);
  const createdAt = now.toISOString();
  const item = {
    ...keys.apiKeyByHash(hashSecret(secret)),
    ...keys.apiKeyListing(ownerId(owner), id),
    entity: 'api_key',
    id,
    role: owner.role,
    tenantId: 'tenantId' in owner ? owner.tenantId : undefined,
    courierId: owner.role === 'courier' ? owner.courierId : undefined,
    // The last characters only, so an operator can tell keys apart without holding them.
    hint: secret.slice(-4),
    createdAt,
  };
  return { issued: { id, key: secret, role: owner.role, createdAt }, item };
}

const ENV_ADMIN_KEY_ID = 'key_env_hub_admin';

function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/** Finds who a secret belongs to: one GetItem, or none for the bootstrap admin key. */
export async function principalForSecret(secret: string): Promise<Principal | undefined> {
  if (secret.length === 0 || secret.length > MAX_KEY_LENGTH) return undefined;
  const bootstrapKey = config.hubAdminApiKey;
  if (bootstrapKey !== undefined && safeEqual(secret, bootstrapKey)) return { role: 'admin', keyId: ENV_ADMIN_KEY_ID };

  const hash = hashSecret(secret);
  const cached = knownKeys.get(hash);
  if (cached && cached.expiresAt > Date.now()) return cached.principal;
  const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.apiKeyByHash(hash) }));
  if (!Item || Item.entity !== 'api_key' || Item.revokedAt !== undefined) return undefined;
  const principal = toPrincipal(Item);
  if (principal) remember(hash, principal);
  return principal;
}

/**
 * Keys seen valid in the last minute, per container: a read then costs one round trip, not two.
 * The price: a key revoked in the table keeps working on a warm container for up to a minute.
 * Only valid keys are kept, and at most KNOWN_KEYS_MAX of them, so random keys cannot fill memory.
 */
export const KEY_CACHE_MS = 60_000;
const KNOWN_KEYS_MAX = 1_000;
const knownKeys = new Map<string, { principal: Principal; expiresAt: number }>();

function remember(hash: string, principal: Principal): void {
  if (knownKeys.size >= KNOWN_KEYS_MAX) knownKeys.delete(knownKeys.keys().next().value as string);
  knownKeys.set(hash, { principal, expiresAt: Date.now() + KEY_CACHE_MS });
}

/** Tests start from a cold container. */
export function forgetKnownKeys(): void {
  knownKeys.clear();
}

function toPrincipal(item: Record<string, unknown>): Principal | undefined {
  const keyId = String(item.id);
  switch (item.role) {
    case 'admin':
      return { role: 'admin', keyId };
    case 'tenant':
      return { role: 'tenant', keyId, tenantId: String(item.tenantId) };
    case 'accountant':
      return { role: 'accountant', keyId, tenantId: String(item.tenantId) };
    case 'courier':
      return { role: 'courier', keyId, courierId: String(item.courierId) };
    default:
      return undefined;
  }
}
