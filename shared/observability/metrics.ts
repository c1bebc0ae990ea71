import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { config } from '../config.js';
import { logger } from '../logging/logger.js';

/** The CloudWatch namespace of every custom metric; the stack's alarms and dashboard read it. */
export const METRIC_NAMESPACE = 'DeliveryHub';

/** The one dimension every custom metric has; the stack's alarms and dashboard query it alone. */
export const METRIC_STAGE_DIMENSION = 'stage';

/**
 * The custom metrics, each a count. The CDK stack builds its alarms and dashboard from these
 * names (`infra/observability.ts`), so a metric renamed here is renamed there.
 */
export const metricNames = {
  /** A delivery booked (one per successful booking transaction). */
  DeliveriesBooked: 'DeliveriesBooked',
  /** One HTTP attempt of one webhook message, whatever its outcome. */
  WebhookAttempts: 'WebhookAttempts',
  /** An attempt that did not succeed (network error, timeout, non-2xx, 410 Gone). */
  WebhookFailures: 'WebhookFailures',
  /** Billable lines recorded by the billing ledger. */
  BillingLines: 'BillingLines',
  /** A monthly billing run that gave up (the run itself, not one tenant's invoice). */
  BillingRunFailures: 'BillingRunFailures',
  /** Invoicing refused in prod because the seller's identity holds placeholders or invalid identifiers (shared/billing/seller.ts). */
  InvoiceRefusedSellerIdentity: 'InvoiceRefusedSellerIdentity',
} as const;

export type MetricName = keyof typeof metricNames;

/**
 * Extra dimensions, low cardinality only: never a tenant, delivery or key id (each combination
 * of values is a separate metric, billed by CloudWatch, and ids are not for dashboards).
 */
export type MetricDimensions = Readonly<Record<string, string>>;

/** In a Lambda function (where CloudWatch turns EMF log lines into metrics), not in the local runtime or tests. */
function inLambda(): boolean {
  return process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined && !config.isLocal;
}

/** One EMF line: the metric under `stage` and the given dimensions. */
function emit(name: MetricName, value: number, dimensions: MetricDimensions): void {
  // A fresh single-metric instance per line: it reads the environment (POWERTOOLS_METRICS_DISABLED)
  // then, keeps no state between concurrent requests, and publishes on addMetric.
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'delivery-hub', singleMetric: true });
  // Powertools adds a `service` dimension by default: the alarms query `stage` alone.
  metrics.clearDefaultDimensions();
  metrics.addDimensions({ ...dimensions, [METRIC_STAGE_DIMENSION]: config.stage });
  metrics.addMetric(metricNames[name], MetricUnit.Count, value);
}

/**
 * Records `value` of a custom metric, now. In AWS it writes a CloudWatch Embedded Metric Format
 * line to stdout (namespace `DeliveryHub`, dimension `stage`); given `dimensions`, a second line
 * under `stage` plus those, so the `stage`-only series the alarms read always counts the value.
 * Outside Lambda (local runtime, tests, scripts) it only logs at DEBUG. It never throws: a metric
 * must not fail the request that records it. `POWERTOOLS_METRICS_DISABLED=true` silences it.
 */
export function recordMetric(name: MetricName, value = 1, dimensions?: MetricDimensions): void {
  try {
    if (!inLambda()) {
      logger.debug('metric', { metric: name, value, ...(dimensions ? { dimensions } : {}) });
      return;
    }
    emit(name, value, {});
    if (dimensions && Object.keys(dimensions).length > 0) emit(name, value, dimensions);
  } catch (error) {
    logger.warn('metric not recorded', { metric: name, error: String(error) });
  }
}
