/**
 * Handlers that run on a clock. The CDK stack makes an EventBridge Scheduler schedule of each;
 * the local runtime runs those with `localEveryMs` on a timer (a monthly job is run on demand
 * locally instead).
 */
export interface ScheduleDefinition {
  name: string;
  description: string;
  /** EventBridge Scheduler expression: `rate(1 minute)` or `cron(0 2 1 * ? *)`. */
  expression: string;
  timezone?: string;
  handler: string;
  localEveryMs?: number;
}

export const schedules: readonly ScheduleDefinition[] = [
  {
    name: 'webhook-retries',
    description: 'Sends the webhook messages whose next attempt is due.',
    expression: 'rate(1 minute)',
    handler: 'functions/consumers/webhook-retry-sweeper.ts',
    localEveryMs: 2_000,
  },
];
