import { previousPeriod } from '../../shared/billing/period.js';
import { assertSellerReadyToInvoice } from '../../shared/billing/seller.js';
import { runScheduledBilling } from '../../shared/billing/service.js';
import { config } from '../../shared/config.js';
import { logger } from '../../shared/logging/logger.js';
import { recordMetric } from '../../shared/observability/metrics.js';

/**
 * The monthly schedule's target (`shared/billing/schedule.ts`): bills the Paris month before
 * the scheduled time. Scheduler's retries and a late start bill the same month, as the same run.
 */
export const handler = async (event: { scheduledTime?: string } | undefined): Promise<{ runId: string; period: string; invoices: number }> => {
  const scheduled = event?.scheduledTime && !Number.isNaN(Date.parse(event.scheduledTime)) ? new Date(event.scheduledTime) : new Date();
  const period = previousPeriod(scheduled);
  // In prod, no invoice with a placeholder seller: the refusal has its own metric and alarm
  // (not BillingRunFailures); Scheduler retries, then its dead-letter queue keeps the invocation to redrive.
  assertSellerReadyToInvoice(config.stage);
  let run: Awaited<ReturnType<typeof runScheduledBilling>>;
  try {
    run = await runScheduledBilling(period, new Date());
  } catch (error) {
    recordMetric('BillingRunFailures');
    throw error;
  }
  logger.info('scheduled billing run', { runId: run.id, period, invoices: run.invoices.length });
  return { runId: run.id, period, invoices: run.invoices.length };
};
