/**
 * When the queue is drained: at once after a step is taken, when the network comes back
 * (`online`), when the app comes back to the screen (`visibilitychange`), and on a timer while
 * steps wait, backing off (2 s, 4 s… up to a minute) while the network or the server is not
 * there. The queue itself sends in order, once; this only decides when to try.
 */
import type { DrainResult, StepQueue } from './queue.js';

export interface SenderEnvironment {
  isOnline(): boolean;
  isVisible(): boolean;
  /** Subscribes to `online` and to the page becoming visible; returns the unsubscribe. */
  onWake(listener: () => void): () => void;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

export interface SenderOptions {
  /** The first wait after a failed try; doubled each time up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Before each drain (the app refreshes a missing CSRF token). */
  beforeDrain?: () => Promise<void>;
  onResult?: (result: DrainResult) => void;
}

export interface Sender {
  /** Try now (a step was just taken, or the courier asked). */
  kick(): void;
  stop(): void;
}

export function startSender(queue: StepQueue, environment: SenderEnvironment, options: SenderOptions = {}): Sender {
  const base = options.baseDelayMs ?? 2_000;
  const max = options.maxDelayMs ?? 60_000;
  let failures = 0;
  let timer: unknown;
  let stopped = false;
  let busy = false;
  let kickedWhileBusy = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer !== undefined) environment.clearTimer(timer);
    timer = environment.setTimer(() => {
      timer = undefined;
      void run();
    }, ms);
  };

  const run = async (): Promise<void> => {
    if (stopped) return;
    if (busy) {
      kickedWhileBusy = true;
      return;
    }
    if (queue.snapshot.pending.length === 0) {
      await queue.load().catch(() => undefined);
      if (queue.snapshot.pending.length === 0) return;
    }
    if (!environment.isOnline()) {
      // Certainly offline: wait for `online` (and look again now and then, in case it lies).
      schedule(max);
      return;
    }
    busy = true;
    let result: DrainResult | undefined;
    try {
      await options.beforeDrain?.().catch(() => undefined);
      result = await queue.drain();
      options.onResult?.(result);
    } catch {
      result = undefined;
    } finally {
      busy = false;
    }
    if (stopped) return;
    if (kickedWhileBusy) {
      kickedWhileBusy = false;
      if (result?.stoppedBy === undefined) return run();
    }
    if (!result || result.stoppedBy) {
      failures += 1;
      schedule(Math.min(max, base * 2 ** (failures - 1)));
    } else {
      failures = 0;
      if (result.waiting > 0) schedule(base);
    }
  };

  const wake = () => {
    failures = 0;
    void run();
  };
  const unsubscribe = environment.onWake(wake);
  void run();

  return {
    kick: wake,
    stop() {
      stopped = true;
      unsubscribe();
      if (timer !== undefined) environment.clearTimer(timer);
    },
  };
}
