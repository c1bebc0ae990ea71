import type { ScheduleDefinition } from '../schedule.js';

/**
 * The monthly billing run, as data for the CDK stack (an EventBridge Scheduler schedule with a
 * Lambda target, `shared/app/schedules.ts`): at 02:00 Paris time on the 1st, bill the month that
 * just ended. Scheduler puts the time it fired in the input, so a retried or late invocation
 * still bills the right month; the run id is derived from the period, so a retry resumes the
 * same run rather than starting another. Locally, run it on demand (`POST /v1/billing/runs`).
 */
export const billingSchedule = {
  name: 'monthly-billing-run',
  description: 'Bills the previous Europe/Paris month: one invoice per tenant, numbered without gaps.',
  expression: 'cron(0 2 1 * ? *)',
  timezone: 'Europe/Paris',
  handler: 'functions/billing/scheduled-run.ts',
  /** Scheduler's context attribute, replaced by the time the schedule fired. */
  input: { scheduledTime: '<aws.scheduler.scheduled-time>' },
  /** Reads the secret to decide whether new invoices go to Stripe (a key is set); never calls Stripe. */
  needs: ['stripeSecrets'],
  retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 6 * 3600 },
  /** A run over every tenant may take a while: the Lambda maximum. */
  timeoutSeconds: 900,
  memoryMb: 1024,
} as const satisfies ScheduleDefinition;

export const billingSchedules: readonly ScheduleDefinition[] = [billingSchedule];
