import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { db } from './client.js';
import { pendingEffect } from './effect.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A condition of the transaction failed: which item, and what it held (when asked with ALL_OLD). */
export interface ConditionFailure {
  index: number;
  item: Record<string, unknown> | undefined;
}

export interface WriteOptions {
  /**
   * What the request answers once this write is done: given by the write that commits an
   * idempotent request's effect, so the answer is stored with it (shared/db/effect.ts).
   */
  result?: unknown;
}

const MAX_CONFLICT_RETRIES = 8;

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
      const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
      if (failed >= 0) {
        const old = reasons[failed]?.Item;
        throw onConditionFailed({ index: failed, item: old ? unmarshall(old as never) : undefined });
      }
      const contended = reasons.some((reason) => reason.Code === 'TransactionConflict') || reasons.length === 0;
      if (!contended || attempt >= MAX_CONFLICT_RETRIES) throw error;
      const delay = Math.min(1000, 20 * 2 ** attempt);
      await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * (delay / 2)));
    }
  }
}

/**
 * One conditional write. Alone it is a plain Put, Update or Delete (half the cost of a
 * transaction); when it commits an idempotent request's effect, it becomes a transaction with
 * the request's completion.
 */
export async function writeOne(item: TransactItem, onConditionFailed: (failure: ConditionFailure) => Error, options: WriteOptions = {}): Promise<void> {
  if (effectFor(options)) return transact([item], onConditionFailed, options);
  try {
    if (item.Put) await db().send(new PutCommand(item.Put));
    else if (item.Update) await db().send(new UpdateCommand(item.Update));
    else if (item.Delete) await db().send(new DeleteCommand(item.Delete));
    else throw new Error('writeOne takes a Put, an Update or a Delete');
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    throw onConditionFailed({ index: 0, item: error.Item ? unmarshall(error.Item as never) : undefined });
  }
}
