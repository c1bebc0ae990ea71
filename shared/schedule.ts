import type { Capability } from './capabilities.js';

/**
 * A handler that runs on a clock. The CDK stack makes an EventBridge Scheduler schedule of each
 * (`shared/app/schedules.ts` lists them); the local runtime runs those with `localEveryMs` on a
 * timer (a monthly job is run on demand locally instead).
 */
export interface ScheduleDefinition {
  name: string;
  description: string;
  /** EventBridge Scheduler expression: `rate(1 minute)` or `cron(0 2 1 * ? *)`. */
  expression: string;
  timezone?: string;
  handler: string;
  localEveryMs?: number;
  /** What the handler may do beyond table access (`shared/capabilities.ts`); the stack grants exactly these. */
  needs?: readonly Capability[];
  /** Lambda memory and timeout (defaults in the stack: 512 MB, 60 s; a long run may take up to 900 s). */
  memoryMb?: number;
  timeoutSeconds?: number;
  /** The invocation's payload; `<aws.scheduler.scheduled-time>` is replaced by the time the schedule fired. */
  input?: Record<string, unknown>;
  /** Scheduler's retries before the dead-letter queue (defaults in the stack: 2 retries within 1 h). */
  retryPolicy?: { maximumRetryAttempts: number; maximumEventAgeSeconds: number };
}
