import type { ScheduleDefinition } from '../schedule.js';

/**
 * The daily booking of standing orders (04:00 Paris): each active order's occurrences of the
 * next 14 days that are neither skipped nor booked yet are booked, each exactly once
 * (`shared/standing-orders/runner.ts`). A retried, late or overlapping run books nothing twice.
 * Locally every hour, so a running `npm start` books too; `POST /v1/hub/standing-orders/run`
 * runs it on demand.
 */
export const standingOrderSchedule = {
  name: 'standing-orders',
  description: "Books every active standing order's occurrences of the next 14 days, each exactly once; tells the tenant about those that cannot be booked.",
  expression: 'cron(0 4 * * ? *)',
  timezone: 'Europe/Paris',
  handler: 'functions/standing-orders/scheduled-run.ts',
  localEveryMs: 3_600_000,
  retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 6 * 3600 },
  timeoutSeconds: 900,
} as const satisfies ScheduleDefinition;

export const standingOrderSchedules: readonly ScheduleDefinition[] = [standingOrderSchedule];
