import { ConditionalCheckFailedException, TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { db } from './client.js';
import { pendingEffect } from './effect.js';
import type { TransactItem } from './items.js';

export type { TransactItem } from './items.js';

/** A condition of the transaction failed: which item, and what it held (when asked with ALL_OLD). */
export interface ConditionFailure {
  index: number;
  item: Record<string, unknown> | undefined;
  /** Every item whose condition failed, in order (`index` is the first): a batch drops exactly those. */
  failed: number[];
}

export interface WriteOptions {
  /**
   * What the request answers once this write is done: given by the write that commits an
   * idempotent request's effect, so the answer is stored with it (shared/db/effect.ts).
   */
  result?: unknown;
}

export interface SingleWriteOptions extends WriteOptions {
  /** Answer the item as the write left it (an Update that counts, say): a lone write only. */
  returnNew?: boolean;
}

/**
 * One retry policy for contention, whoever meets it (a rush on a slot, two billing runs on one
 * tenant's lines, a single write meeting a transaction in progress on its item): up to 8 retries,
 * jittered, doubling from 20 ms to at most 1 s, about 3.3 s in all at worst. The budget is an HTTP
 * function's (a 10 s timeout, which the idempotency lock follows), the tightest of all callers;
 * billing runs, which used to allow 10 retries, meet contention only from another run billing the
 * same tenant at the same moment, whose conditions settle who claims what anyway, and a run that
 * still fails can be run again: it resumes under its run id and bills each line once.
 */
const MAX_CONFLICT_RETRIES = 8;

/** The jittered wait before retry number `attempt` (0 for the first retry). */
export function waitBeforeRetry(attempt: number): Promise<void> {
  const delay = Math.min(1000, 20 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * (delay / 2)));
}

function effectFor(options: WriteOptions) {
  const recorder = pendingEffect();
  if (recorder && options.result === undefined) {
    // A programming error, caught by the tests of every idempotent route: a write before the
    // effect would not be undone by a retry, and one without a result could not be replayed.
    throw new Error('An idempotent request wrote before committing its effect: give the write that commits it its result.');
  }
  return recorder;
}

/**
 * One TransactWriteItems, all or nothing. A failed condition is handed to `onConditionFailed`,
 * which turns it into the domain's error. A conflict with another transaction on the same item
 * (a rush on a slot) is retried with jittered backoff: it is contention, not a refusal. In an
 * idempotent request, the write that commits the effect carries the request's completion.
 */
export async function transact(items: TransactItem[], onConditionFailed: (failure: ConditionFailure) => Error, options: WriteOptions = {}): Promise<void> {
  const effect = effectFor(options);
  const all = effect ? [...items, effect.completion(options.result)] : items;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await db().send(new TransactWriteCommand({ TransactItems: all }));
      effect?.committed();
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (effect && reasons[items.length]?.Code === 'ConditionalCheckFailed') {
        const old = reasons[items.length]?.Item;
        const verdict = effect.conditionFailed(old ? unmarshall(old as never) : undefined);
        if (verdict !== 'own') throw verdict;
        effect.committed();
        return;
      }
      const failed = reasons.flatMap((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? [index] : []));
      const [first] = failed;
      if (first !== undefined) {
        const old = reasons[first]?.Item;
        throw onConditionFailed({ index: first, item: old ? unmarshall(old as never) : undefined, failed });
      }
      const contended = reasons.some((reason) => reason.Code === 'TransactionConflict') || reasons.length === 0;
      if (!contended || attempt >= MAX_CONFLICT_RETRIES) throw error;
      await waitBeforeRetry(attempt);
    }
  }
}

/**
 * One conditional write. Alone it is a plain Put, Update or Delete (half the cost of a
 * transaction); when it commits an idempotent request's effect, it becomes a transaction with
 * the request's completion. Meeting a transaction in progress on its item, it waits and retries.
 */
export async function writeOne(item: TransactItem, onConditionFailed: (failure: ConditionFailure) => Error, options: SingleWriteOptions = {}): Promise<Record<string, unknown> | undefined> {
  if (effectFor(options)) {
    if (options.returnNew) throw new Error('The write that commits an effect is a transaction: it cannot answer the item');
    await transact([item], onConditionFailed, options);
    return undefined;
  }
  for (let attempt = 0; ; attempt += 1) {
    try {
      if (item.Put) await db().send(new PutCommand(item.Put));
      else if (item.Update) return (await db().send(new UpdateCommand({ ...item.Update, ...(options.returnNew ? { ReturnValues: 'ALL_NEW' as const } : {}) }))).Attributes;
      else if (item.Delete) await db().send(new DeleteCommand(item.Delete));
      else throw new Error('writeOne takes a Put, an Update or a Delete');
      return undefined;
    } catch (error) {
      if (error instanceof TransactionConflictException && attempt < MAX_CONFLICT_RETRIES) {
        await waitBeforeRetry(attempt);
        continue;
      }
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw onConditionFailed({ index: 0, item: error.Item ? unmarshall(error.Item as never) : undefined, failed: [0] });
    }
  }
}

class Refused extends Error {}

/**
 * A conditional write whose refusal is an answer, not an error (a claim already taken, an event
 * already recorded): true when it was written.
 */
export async function writeIf(item: TransactItem, options: WriteOptions = {}): Promise<boolean> {
  try {
    await writeOne(item, () => new Refused(), options);
    return true;
  } catch (error) {
    if (error instanceof Refused) return false;
    throw error;
  }
}
