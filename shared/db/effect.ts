import { AsyncLocalStorage } from 'node:async_hooks';
import type { TransactItem } from './items.js';

/**
 * Exactly once through crashes. A request that creates something under an `Idempotency-Key`
 * must be answered the same way on every retry, whatever happened between its commit and its
 * response (the process killed, DynamoDB gone mid-request, a Lambda timeout). So the key's
 * completion (the response to replay) is written in the very transaction that commits the
 * request's effect: both happen, or neither.
 *
 * The HTTP layer opens a recorder around an idempotent route's function; the transaction
 * helper (`transact`, `writeOne`) finds it here and adds the completion to the first
 * transaction that declares the request's result. The plumbing stays apart from the areas:
 * services only say what their result is.
 */
export interface EffectRecorder {
  /** The write that records the request as done, with the response its result makes. */
  completion(result: unknown): TransactItem;
  /** The completion committed with the effect. */
  committed(): void;
  /**
   * The completion's condition failed. `own`: an earlier attempt of this very transaction
   * committed (the SDK retried after losing the answer); otherwise the error to throw (the key
   * was taken over, or completed by another request whose answer is replayed).
   */
  conditionFailed(old: Record<string, unknown> | undefined): 'own' | Error;
  /** True once the effect is committed: later writes of the request are ordinary writes. */
  readonly done: boolean;
}

const storage = new AsyncLocalStorage<EffectRecorder>();

export function recordingEffect<T>(recorder: EffectRecorder, fn: () => Promise<T>): Promise<T> {
  return storage.run(recorder, fn);
}

/** The recorder of the request under way, while its effect is not committed yet. */
export function pendingEffect(): EffectRecorder | undefined {
  const recorder = storage.getStore();
  return recorder && !recorder.done ? recorder : undefined;
}
