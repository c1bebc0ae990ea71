import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';

/**
 * Randomness for ULIDs from a pool of cryptographically random bytes. `ulid` asks its PRNG once
 * per character (16 per id); its default PRNG makes a `crypto.getRandomValues` call each time,
 * which showed in the profile of the API under load (every request gets a request id). Drawing
 * 4 bytes at a time from a 4 KiB pool of `randomBytes` is the same source, one system call per
 * 64 ids. Uniform: 32 (the alphabet) divides 2^32.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

export function pooledRandom(): number {
  if (offset + 4 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const value = pool.readUInt32LE(offset);
  offset += 4;
  return value / 0x1_0000_0000;
}

/** A ULID for this time (ms since the epoch), random part from the pool. */
export function newUlid(now: number = Date.now()): string {
  return ulid(now, pooledRandom);
}

/** Type prefixes of the public ids (contract: "IDs are opaque strings with a type prefix and a ULID"). */
export const idPrefixes = {
  tenant: 'ten',
  apiKey: 'key',
  quote: 'quo',
  delivery: 'dlv',
  courier: 'cou',
  webhookEndpoint: 'whe',
  integration: 'int',
  invoice: 'inv',
  billingRun: 'run',
  webhookMessage: 'msg',
  event: 'evt',
  request: 'req',
  slot: 'slt',
  notification: 'ntf',
  payment: 'pay',
  creditNote: 'crn',
  bankLine: 'bkl',
  user: 'usr',
  session: 'ses',
  signInLink: 'sil',
  photo: 'pho',
  plan: 'pln',
  standingOrder: 'sto',
  closure: 'cls',
  collectionPoint: 'clp',
} as const;

export type IdKind = keyof typeof idPrefixes;

const ulidPattern = '[0-9A-HJKMNP-TV-Z]{26}';

export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${idPrefixes[kind]}_${newUlid(now)}`;
}

const patterns = Object.fromEntries(
  Object.entries(idPrefixes).map(([kind, prefix]) => [kind, new RegExp(`^${prefix}_${ulidPattern}$`)]),
) as Record<IdKind, RegExp>;

/** True when `value` has the exact shape of an id of this kind (anything else cannot exist). */
export function isId(kind: IdKind, value: string): boolean {
  return patterns[kind].test(value);
}

export function idPattern(kind: IdKind): RegExp {
  return patterns[kind];
}
