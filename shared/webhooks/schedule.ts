import type { ScheduleDefinition } from '../schedule.js';

/**
 * When to try a message again after a failed attempt: the Standard Webhooks (Svix) schedule —
 * immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — about 27.5 hours in all, so a
 * receiver that is down for a day still gets every message. Each delay gets −10 % to +20 % jitter
 * so retries from one outage do not arrive as a burst, and the whole schedule never shrinks
 * below 24 hours (27.6 h × 0.9 = 24.8 h).
 */
export const RETRY_DELAYS_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600] as const;
export const MAX_ATTEMPTS = 1 + RETRY_DELAYS_SECONDS.length;

/** Delay before the next attempt after `attemptsMade` attempts, or null when none is left. */
export function nextDelaySeconds(attemptsMade: number, retryAfterSeconds: number | null, random: () => number = Math.random): number | null {
  const base = RETRY_DELAYS_SECONDS[attemptsMade - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (0.9 + 0.3 * random()));
  // A receiver that says when to come back is listened to, within a day.
  return retryAfterSeconds === null ? jittered : Math.max(jittered, Math.min(retryAfterSeconds, 86_400));
}

export type AttemptOutcome = 'delivered' | 'retry' | 'failed' | 'endpoint_gone';

/** What an HTTP answer means for the message. */
export function classify(statusCode: number | null): 'success' | 'gone' | 'retryable' {
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return 'success';
  if (statusCode === 410) return 'gone';
  return 'retryable';
}

/** The sweeper that sends the webhook messages whose next attempt is due. */
export const webhookSchedules: readonly ScheduleDefinition[] = [
  {
    name: 'webhook-retries',
    description: 'Sends the webhook messages whose next attempt is due.',
    expression: 'rate(1 minute)',
    handler: 'functions/consumers/webhook-retry-sweeper.ts',
    localEveryMs: 2_000,
  },
];
