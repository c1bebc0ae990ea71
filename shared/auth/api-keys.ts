import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { config } from '../config.js';
import { changes, defineEntity } from '../db/entity.js';
import { queryAll } from '../db/pagination.js';
import { writeIf } from '../db/transact.js';
import type { TransactItem } from '../db/items.js';
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
  | { role: 'accountant'; tenantId?: string }
  | { role: 'courier'; courierId: string };

export interface IssuedKey {
  id: string;
  /** The secret: returned once, never stored. */
  key: string;
  role: Role;
  createdAt: string;
}

/** An API key as stored: found by the hash of its secret, never by the secret. */
interface StoredApiKey {
  secretHash: string;
  id: string;
  role: Role;
  tenantId?: string | undefined;
  courierId?: string | undefined;
  /** The last characters only, so an operator can tell keys apart without holding them. */
  hint: string;
  createdAt: string;
  revokedAt?: string;
}

/** Who a key belongs to, for listing and revocation: a tenant, a courier, or the hub. */
function ownerOf(key: Pick<StoredApiKey, 'role' | 'tenantId' | 'courierId'>): string {
  if (key.role === 'courier') return String(key.courierId);
  if (key.role === 'admin' || key.tenantId === undefined) return 'hub';
  return String(key.tenantId);
}

/**
 * API keys are found by the hash of the secret: one GetItem per authenticated request. The
 * keys issued to one owner are listed on gsi1. The hash is the key, and stored nowhere else.
 */
export const apiKeys = defineEntity<StoredApiKey, Pick<StoredApiKey, 'secretHash'>>({
  name: 'api_key',
  key: ({ secretHash }) => ({ pk: `APIKEY#${secretHash}`, sk: 'APIKEY' }),
  indexes: (key) => ({ gsi1pk: `KEYS#${ownerOf(key)}`, gsi1sk: key.id }),
  stored: ({ secretHash: _hash, ...key }) => key,
});

/**
 * "The hub's first admin key was issued": one marker per table, among the hub's settings by its
 * key (`shared/hub/repository.ts` declares the others; plumbing cannot import an area).
 */
export const adminBootstrap = defineEntity<{ keyId: string; createdAt: string }, object>({
  name: 'setting',
  key: () => ({ pk: 'HUB', sk: 'SETTING#admin-bootstrap' }),
});

/** The marker's creation: refused if the table has one, so two starts racing still make one key. */
export function markAdminBootstrapped(issued: IssuedKey): TransactItem {
  return adminBootstrap.create({ keyId: issued.id, createdAt: issued.createdAt });
}

/** A new key and the creation of its item; the caller writes it (alone, or inside a transaction). */
export function newApiKey(owner: KeyOwner, now = new Date()): { issued: IssuedKey; create: TransactItem } {
  const id = newId('apiKey', now.getTime());
  const secret = generateSecret(owner.role);
  const createdAt = now.toISOString();
  const create = apiKeys.create({
    secretHash: hashSecret(secret),
    id,
    role: owner.role,
    tenantId: 'tenantId' in owner && owner.tenantId !== undefined ? owner.tenantId : undefined,
    courierId: owner.role === 'courier' ? owner.courierId : undefined,
    hint: secret.slice(-4),
    createdAt,
  });
  return { issued: { id, key: secret, role: owner.role, createdAt }, create };
}

/** A key as its owner sees it in a listing: never its secret, nor its hash. */
export interface ListedKey {
  id: string;
  object: 'api_key';
  role: Role;
  tenantId?: string;
  hint: string;
  createdAt: string;
  revokedAt: string | null;
}

/** The keys issued to an owner (a tenant's id, or `hub`), oldest first. */
export async function listKeys(owner: string): Promise<ListedKey[]> {
  const stored = await apiKeys.queryAll({ partition: { gsi1pk: `KEYS#${owner}` } });
  return stored.map((key) => ({
    id: key.id,
    object: 'api_key',
    role: key.role,
    ...(key.tenantId ? { tenantId: key.tenantId } : {}),
    hint: `…${key.hint}`,
    createdAt: key.createdAt,
    revokedAt: key.revokedAt ?? null,
  }));
}

/**
 * Revokes one of an owner's keys (found by its id among the owner's, so an id of another owner's
 * key finds nothing). A container that saw the key valid keeps it up to `KEY_CACHE_MS` (a minute).
 */
export async function revokeKey(owner: string, keyId: string, now = new Date()): Promise<ListedKey | undefined> {
  // The listing's items carry their key (`APIKEY#<hash>`): the hash is read there, never stored apart.
  const items = await queryAll({ partition: { gsi1pk: `KEYS#${owner}` }, index: 'gsi1' });
  const item = items.find((candidate) => apiKeys.fromItem(candidate)?.id === keyId);
  const stored = item ? apiKeys.fromItem(item) : undefined;
  if (!item || !stored) return undefined;
  const secretHash = String(item.pk).slice('APIKEY#'.length);
  const revokedAt = stored.revokedAt ?? now.toISOString();
  if (stored.revokedAt === undefined) {
    await writeIf(apiKeys.update({ secretHash }, changes({ set: { revokedAt } }), { expression: 'attribute_not_exists(revokedAt)' }));
  }
  knownKeys.delete(secretHash);
  return { id: stored.id, object: 'api_key', role: stored.role, ...(stored.tenantId ? { tenantId: stored.tenantId } : {}), hint: `…${stored.hint}`, createdAt: stored.createdAt, revokedAt };
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
  const stored = await apiKeys.get({ secretHash: hash });
  if (!stored || stored.revokedAt !== undefined) return undefined;
  const principal = toPrincipal(stored);
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

function toPrincipal(item: StoredApiKey): Principal | undefined {
  const keyId = String(item.id);
  switch (item.role) {
    case 'admin':
      return { role: 'admin', keyId };
    case 'tenant':
      return { role: 'tenant', keyId, tenantId: String(item.tenantId) };
    case 'accountant':
      return typeof item.tenantId === 'string' ? { role: 'accountant', keyId, tenantId: item.tenantId } : { role: 'accountant', keyId };
    case 'courier':
      return { role: 'courier', keyId, courierId: String(item.courierId) };
    default:
      return undefined;
  }
}
