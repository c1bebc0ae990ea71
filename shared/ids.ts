import { ulid } from 'ulid';

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
} as const;

export type IdKind = keyof typeof idPrefixes;

const ulidPattern = '[0-9A-HJKMNP-TV-Z]{26}';

export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${idPrefixes[kind]}_${ulid(now)}`;
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
