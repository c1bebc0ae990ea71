import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMESPACE, metricNames, recordMetric } from '../../shared/observability/metrics.js';

const variables = ['AWS_LAMBDA_FUNCTION_NAME', 'STAGE', 'DELIVERY_HUB_LOCAL', 'POWERTOOLS_METRICS_DISABLED', 'POWERTOOLS_DEV'] as const;

describe('recordMetric', () => {
  const saved = Object.fromEntries(variables.map((name) => [name, process.env[name]]));
  let lines: string[];

  beforeEach(() => {
    for (const name of variables) delete process.env[name];
    lines = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write);
  });

  afterEach(() => {
    vi.restoreAllMocks();
    for (const name of variables) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  const emf = () => lines.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Record<string, any>);

  function inLambda(stage = 'prod') {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'DeliveryHub-prod-CreateDeliveryFn';
    process.env.STAGE = stage;
  }

  it('writes one EMF line in Lambda: namespace DeliveryHub, dimension stage alone, a count', () => {
    inLambda();
    recordMetric('DeliveriesBooked');
    const [line, ...rest] = emf();
    expect(rest).toEqual([]);
    expect(line!._aws.CloudWatchMetrics).toEqual([{ Namespace: METRIC_NAMESPACE, Dimensions: [['stage']], Metrics: [{ Name: 'DeliveriesBooked', Unit: 'Count' }] }]);
    expect(line!.stage).toBe('prod');
    expect(line!.DeliveriesBooked).toBe(1);
    expect(line!.service).toBeUndefined();
  });

  it('records the value given, and with extra dimensions a second line, so the stage-only series still counts it', () => {
    inLambda('dev');
    recordMetric('BillingLines', 7, { kind: 'delivery' });
    const lines = emf();
    expect(lines.map((line) => line._aws.CloudWatchMetrics[0].Dimensions)).toEqual([[['stage']], [['kind', 'stage']]]);
    expect(lines.map((line) => [line.stage, line.BillingLines])).toEqual([
      ['dev', 7],
      ['dev', 7],
    ]);
    expect(lines[1]!.kind).toBe('delivery');
  });

  it('names every metric the stack alarms on', () => {
    inLambda();
    for (const name of Object.keys(metricNames) as (keyof typeof metricNames)[]) recordMetric(name);
    expect(emf().map((line) => line._aws.CloudWatchMetrics[0].Metrics[0].Name)).toEqual(Object.values(metricNames));
  });

  it('writes nothing outside Lambda (tests, scripts), in the local runtime, or when disabled', () => {
    recordMetric('WebhookFailures');
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'local';
    process.env.DELIVERY_HUB_LOCAL = 'true';
    recordMetric('WebhookFailures');
    delete process.env.DELIVERY_HUB_LOCAL;
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    recordMetric('WebhookFailures');
    expect(emf()).toEqual([]);
  });

  it('never throws: a metric must not fail the request that records it', () => {
    inLambda();
    vi.spyOn(Metrics.prototype, 'addMetric').mockImplementation(() => {
      throw new Error('boom');
    });
    expect(() => recordMetric('WebhookAttempts')).not.toThrow();
    expect(emf()).toEqual([]);
  });
});
