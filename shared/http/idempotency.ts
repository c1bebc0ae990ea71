import { createHash, randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { config } from '../config.js';
import { db } from '../db/client.js';
import type { EffectRecorder } from '../db/effect.js';
import { defineEntity, tenantKey } from '../db/entity.js';
import type { TransactItem } from '../db/transact.js';
import { AppError } from '../errors.js';
import type { HttpResponse } from './response.js';

/** The contract keeps responses at least 24 h; we keep them 48 h. */
export const IDEMPOTENCY_RETENTION_SECONDS = 48 * 3600;
/**
 * How long a request holds its key before a retry may take it over: the function's timeout and
 * a margin (past it, the attempt is dead). Taking over is safe even from a live attempt: its
 * effect commits only while it holds the key (`effectRecorder`), so two attempts never both write.
 */
export const IDEMPOTENCY_LOCK_MARGIN_MS = 5_000;
export const IDEMPOTENCY_LOCK_MS = 10_000 + IDEMPOTENCY_LOCK_MARGIN_MS;
/** How long a concurrent duplicate waits for the first request to finish before answering 409. */
const WAIT_FOR_FIRST_MS = 8_000;
const POLL_MS = 50;

export type StoredResponse = Pick<HttpResponse, 'statusCode' | 'headers' | 'body'>;

export type BeginOutcome =
  | { kind: 'acquired'; lock: IdempotencyLock }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

export interface IdempotencyLock {
  scope: string;
  keyHash: string;
  token: string;
}

/** This process, as the holder of the keys it claims. */
const PROCESS_ID = randomUUID();

/**
 * The local runtime is one process per data folder: a key still held by another process was held
 * by a run that has stopped (killed, crashed), so its retry need not wait for the lock to expire.
 * In AWS many functions run at once, and only the expiry tells. Either way a takeover cannot make
 * a second write: an effect commits only while its attempt holds the key (`effectRecorder`).
 */
function heldByAnEarlierRun(record: Record_): boolean {
  return config.isLocal && record.state === 'in_progress' && record.holder !== PROCESS_ID;
}

interface Record_ {
  state: 'in_progress' | 'complete';
  fingerprint: string;
  lockExpiresAt: number;
  ttl: number;
  holder?: string;
  response?: StoredResponse;
  /** The lock token of the attempt whose transaction committed the effect (and this completion). */
  committedToken?: string;
}

/** Another attempt of the same request completed it: its answer is replayed to this one. */
export class IdempotentReplay extends Error {
  override readonly name = 'IdempotentReplay';
  constructor(readonly response: StoredResponse) {
    super('replayed');
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** JSON with sorted keys: two bodies that mean the same thing have the same fingerprint. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes "the same request": the endpoint and the body's meaning (not its whitespace). */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return sha256(`${method} ${path}\n${canonicalJson(body ?? null)}`);
}

/**
 * Stored responses of create requests, per caller scope (a tenant id, or `hub`). Only the key is
 * declared: the writes below are the effect machinery itself, which `transact` and `writeOne`
 * consult, so they go to DynamoDB directly, with conditions of their own.
 */
export const idempotencyRecords = defineEntity<Pick<IdempotencyLock, 'scope' | 'keyHash'>>({
  name: 'idempotency',
  key: ({ scope, keyHash }) => ({ pk: `${tenantKey(scope)}#IDEM#${keyHash}`, sk: 'IDEM' }),
});

const itemKey = (lock: Pick<IdempotencyLock, 'scope' | 'keyHash'>) => idempotencyRecords.key(lock);

export const idempotencyStore = {
  /**
   * Claims the key with one conditional write. The write wins only if no live record exists (or
   * the previous attempt crashed and its lock expired); otherwise the existing record comes
   * back in the same round trip and decides: replay, mismatch, or wait for the first request.
   */
  async begin(scope: string, idempotencyKey: string, fingerprint: string, waitMs = WAIT_FOR_FIRST_MS, lockMs = IDEMPOTENCY_LOCK_MS): Promise<BeginOutcome> {
    const lock: IdempotencyLock = { scope, keyHash: sha256(idempotencyKey), token: randomUUID() };
    const deadline = Date.now() + waitMs;
    for (;;) {
      const now = Date.now();
      try {
        await db().send(
          new PutCommand({
            TableName: config.tableName,
            Item: {
              ...itemKey(lock),
              entity: idempotencyRecords.name,
              state: 'in_progress',
              fingerprint,
              lockToken: lock.token,
              lockExpiresAt: now + lockMs,
              holder: PROCESS_ID,
              ttl: Math.floor(now / 1000) + IDEMPOTENCY_RETENTION_SECONDS,
            },
            ConditionExpression: `attribute_not_exists(pk) OR (#state = :inProgress AND lockExpiresAt < :now) OR #ttl < :nowSeconds${config.isLocal ? ' OR (#state = :inProgress AND holder <> :holder)' : ''}`,
            ExpressionAttributeNames: { '#state': 'state', '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':inProgress': 'in_progress', ':now': now, ':nowSeconds': Math.floor(now / 1000), ...(config.isLocal ? { ':holder': PROCESS_ID } : {}) },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { kind: 'acquired', lock };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        let existing = error.Item ? (unmarshall(error.Item) as Record_) : undefined;
        while (existing) {
          if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
          if (existing.state === 'complete' && existing.response) return { kind: 'replay', response: existing.response };
          if (existing.lockExpiresAt < Date.now() || heldByAnEarlierRun(existing)) break; // the first attempt died: take over
          if (Date.now() >= deadline) return { kind: 'in_progress' };
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          existing = await this.read(lock);
        }
        if (Date.now() >= deadline) return { kind: 'in_progress' };
      }
    }
  },

  async read(lock: Pick<IdempotencyLock, 'scope' | 'keyHash'>): Promise<Record_ | undefined> {
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: itemKey(lock), ConsistentRead: true }));
    return Item as Record_ | undefined;
  },

  /**
   * Stores the response for replay; only the lock holder may. A request that wrote nothing (a
   * client error, a repeated report) completes here; one that wrote completed with its write.
   * A lock lost meanwhile (taken over after it expired) leaves the record to its new holder.
   */
  async complete(lock: IdempotencyLock, response: StoredResponse): Promise<void> {
    await db()
      .send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: itemKey(lock),
        UpdateExpression: 'SET #state = :complete, #response = :response REMOVE lockToken',
        ConditionExpression: 'lockToken = :token',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: {
          ':complete': 'complete',
          ':response': { statusCode: response.statusCode, headers: response.headers, body: response.body },
          ':token': lock.token,
        },
      }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  },

  /** Gives the key back after a server error, so the client's retry runs again. */
  async release(lock: IdempotencyLock): Promise<void> {
    try {
      await db().send(
        new DeleteCommand({
          TableName: config.tableName,
          Key: itemKey(lock),
          ConditionExpression: 'lockToken = :token',
          ExpressionAttributeValues: { ':token': lock.token },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  },
};

/**
 * The recorder of an idempotent request's effect (shared/db/effect.ts): the transaction that
 * commits the effect also marks the key complete with the response, on the condition that this
 * attempt still holds the key. A crash after that commit leaves a completed key, so the retry
 * replays; a crash before it leaves nothing written, so the retry runs again. `render` makes the
 * response from the result the service declares.
 */
export function effectRecorder(lock: IdempotencyLock, render: (result: unknown) => StoredResponse): EffectRecorder & { readonly response: StoredResponse | undefined } {
  let response: StoredResponse | undefined;
  let done = false;
  return {
    get done() {
      return done;
    },
    get response() {
      return done ? response : undefined;
    },
    completion(result: unknown): TransactItem {
      response = render(result);
      return {
        Update: {
          TableName: config.tableName,
          Key: itemKey(lock),
          UpdateExpression: 'SET #state = :complete, #response = :response, committedToken = :token REMOVE lockToken',
          ConditionExpression: 'lockToken = :token AND #state = :inProgress',
          ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
          ExpressionAttributeValues: {
            ':complete': 'complete',
            ':inProgress': 'in_progress',
            ':response': { statusCode: response.statusCode, headers: response.headers, body: response.body },
            ':token': lock.token,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      };
    },
    committed() {
      done = true;
    },
    conditionFailed(old) {
      const record = old as Record_ | undefined;
      if (record?.committedToken === lock.token) return 'own';
      if (record?.state === 'complete' && record.response) return new IdempotentReplay(record.response);
      return new AppError('idempotency_request_in_progress', 'A request with this Idempotency-Key is still being processed. Retry in a moment.', {
        param: 'Idempotency-Key',
        headers: { 'retry-after': '1' },
      });
    },
  };
}
