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
  /** Reads the secret to decide whether new invoices go to Stripe (a key is set); never calls Stripe. Issues invoices: the seller's identity. */
  needs: ['stripeSecrets', 'sellerIdentity'],
  retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 6 * 3600 },
  /** A run over every tenant may take a while: the Lambda maximum. */
  timeoutSeconds: 900,
  memoryMb: 1024,
} as const satisfies ScheduleDefinition;

/**
 * The daily follow-up of unpaid invoices (08:00 Paris): reminders at due + 7 and due + 21 days,
 * each step once (`shared/billing/reminders.ts`). Locally every hour, so a running `npm start`
 * follows up too.
 */
export const reminderSchedule = {
  name: 'daily-payment-reminders',
  description: 'E-mails a first reminder at due + 7 days and a second at due + 21 days for every invoice still owed, once per step.',
  expression: 'cron(0 8 * * ? *)',
  timezone: 'Europe/Paris',
  handler: 'functions/billing/scheduled-reminders.ts',
  localEveryMs: 3_600_000,
  retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 6 * 3600 },
  timeoutSeconds: 300,
} as const satisfies ScheduleDefinition;

export const billingSchedules: readonly ScheduleDefinition[] = [billingSchedule, reminderSchedule];
