import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { db } from './client.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A condition of the transaction failed: which item, and what it held (when asked with ALL_OLD). */
export interface ConditionFailure {
  index: number;
  item: Record<string, unknown> | undefined;
}

const MAX_CONFLICT_RETRIES = 8;

/**
 * One TransactWriteItems, all or nothing. A failed condition is handed to `onConditionFailed`,
 * which turns it into the domain's error. A conflict with another transaction on the same item
 * (a rush on a slot) is retried with jittered backoff: it is contention, not a refusal.
 */
export async function transact(items: TransactItem[], onConditionFailed: (failure: ConditionFailure) => Error): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await db().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
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
