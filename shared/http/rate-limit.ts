import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { defineEntity } from '../db/entity.js';
import { rateLimitErrors } from './errors.js';


/** One counter: `limit` requests per `windowSeconds` for one subject (a token, an address...). */
export interface RateLimit {
  /** Names the counter family: `track-token`, `track-ip`. */
  scope: string;
  /** What is counted. Stored only as a hash: counters hold no token and no address in clear. */
  subject: string;
  limit: number;
  windowSeconds: number;
}

/**
 * A fixed-window request counter: `subject` is already hashed, `window` its start in epoch
 * seconds. Only the key is declared here: counting is one `ADD` that answers the new count,
 * which no transaction item can do.
 */
export const rateLimitCounters = defineEntity<{ scope: string; subject: string; window: number }>({
  name: 'rate_limit',
  key: ({ scope, subject, window }) => ({ pk: `RATE#${scope}#${subject}#${window}`, sk: 'RATE' }),
});

/** Counters stay a little past their window (TTL deletion is lazy anyway; reads never need them). */
const TTL_GRACE_SECONDS = 60;

function subjectHash(scope: string, subject: string): string {
  return createHash('sha256').update(`${scope}\n${subject}`, 'utf8').digest('base64url').slice(0, 22);
}

/**
 * Fixed-window counting in the table: one `UpdateItem ADD` per counter (atomic, so concurrent
 * Lambda containers share the count), the item expiring by TTL. A fixed window lets a client
 * burst up to twice the limit across a window boundary; for keeping a public page from being
 * hammered, that is enough, and it costs one write per counter.
 */
async function count(limit: RateLimit, nowMs: number): Promise<{ count: number; resetsAtMs: number }> {
  const windowStart = Math.floor(nowMs / 1000 / limit.windowSeconds) * limit.windowSeconds;
  const windowEnd = windowStart + limit.windowSeconds;
  const { Attributes } = await db().send(
    new UpdateCommand({
      TableName: config.tableName,
      Key: rateLimitCounters.key({ scope: limit.scope, subject: subjectHash(limit.scope, limit.subject), window: windowStart }),
      UpdateExpression: 'ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl), #entity = :entity',
      ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl', '#entity': 'entity' },
      ExpressionAttributeValues: { ':one': 1, ':ttl': windowEnd + TTL_GRACE_SECONDS, ':entity': rateLimitCounters.name },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return { count: Number(Attributes?.count ?? 0), resetsAtMs: windowEnd * 1000 };
}

/**
 * Counts this request against every limit (in parallel) and throws the contract's 429
 * `too_many_requests`, with `Retry-After` in seconds, when any is exceeded.
 */
export async function enforceRateLimits(limits: readonly RateLimit[], nowMs = Date.now()): Promise<void> {
  const counted = await Promise.all(limits.map((limit) => count(limit, nowMs)));
  const exceeded = counted.filter((result, index) => result.count > (limits[index] as RateLimit).limit);
  if (exceeded.length === 0) return;
  const retryAfter = Math.max(1, ...exceeded.map((result) => Math.ceil((result.resetsAtMs - nowMs) / 1000)));
  throw rateLimitErrors.error('too_many_requests', `Too many requests: retry in ${retryAfter} s.`, { headers: { 'retry-after': String(retryAfter) } });
}
