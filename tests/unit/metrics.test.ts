import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordMetric, type MetricName } from '../../shared/observability/metrics.js';
import { synth, type Resource } from '../infra/template-helpers.js';

const variables = ['AWS_LAMBDA_FUNCTION_NAME', 'STAGE', 'DELIVERY_HUB_LOCAL', 'POWERTOOLS_METRICS_DISABLED', 'POWERTOOLS_DEV'] as const;

type EmfLine = { _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> } } & Record<string, unknown>;

/** What `recordMetric` writes to stdout: the EMF lines CloudWatch turns into metrics. */
const saved = Object.fromEntries(variables.map((name) => [name, process.env[name]]));
let written: string[];

beforeEach(() => {
  for (const name of variables) delete process.env[name];
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
    written.push(String(chunk));
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

const emf = (): EmfLine[] => written.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as EmfLine);

function inLambda(stage = 'prod') {
  process.env.AWS_LAMBDA_FUNCTION_NAME = `DeliveryHub-${stage}-CreateDeliveryFn`;
  process.env.STAGE = stage;
}

describe('a recorded metric, in Lambda', () => {
  // The contract for operators (docs/operations.md, "Logs and metrics"): namespace DeliveryHub, dimension stage, counts.
  it('is one EMF line: namespace DeliveryHub, the stage as its only dimension, a Count of 1', () => {
    inLambda('prod');
    recordMetric('DeliveriesBooked');
    const [line, ...rest] = emf();
    expect(rest).toEqual([]);
    expect(line!._aws.CloudWatchMetrics).toEqual([{ Namespace: 'DeliveryHub', Dimensions: [['stage']], Metrics: [{ Name: 'DeliveriesBooked', Unit: 'Count' }] }]);
    expect(line!.stage).toBe('prod');
    expect(line!.DeliveriesBooked).toBe(1);
    // Powertools' default `service` dimension would make a second series the alarms never read.
    expect(line!.service).toBeUndefined();
    expect(Math.abs(line!._aws.Timestamp - Date.now())).toBeLessThan(60_000);
  });

  it('carries the value given, and with extra dimensions is also written under the stage alone, so the series the alarms read still counts it', () => {
    inLambda('dev');
    recordMetric('BillingLines', 7, { kind: 'delivery' });
    const lines = emf();
    expect(lines.map((line) => line._aws.CloudWatchMetrics[0]!.Dimensions.map((set) => [...set].sort()))).toEqual([[['stage']], [['kind', 'stage']]]);
    expect(lines.map((line) => [line.stage, line.BillingLines, line.kind])).toEqual([
      ['dev', 7, undefined],
      ['dev', 7, 'delivery'],
    ]);
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

// ---------------------------------------------------------------------------------------------

/** A metric an alarm reads: its namespace, name and dimensions (a single metric, or each of a math expression). */
interface AlarmMetric {
  alarm: string;
  namespace: string;
  name: string;
  dimensions: Array<{ Name: string; Value: unknown }>;
}

function alarmMetrics(alarm: Resource): AlarmMetric[] {
  const p = alarm.Properties;
  const name = String(p.AlarmName);
  if (p.MetricName) return [{ alarm: name, namespace: p.Namespace, name: p.MetricName, dimensions: p.Dimensions ?? [] }];
  return (p.Metrics as Array<{ MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: AlarmMetric['dimensions'] } } }>)
    .filter((entry) => entry.MetricStat)
    .map(({ MetricStat }) => ({ alarm: name, namespace: MetricStat!.Metric.Namespace, name: MetricStat!.Metric.MetricName, dimensions: MetricStat!.Metric.Dimensions ?? [] }));
}

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The metrics production code records: the name of every `recordMetric('Name'…)` call outside the metrics module itself. */
function recordedByTheCode(): Set<string> {
  const names = new Set<string>();
  for (const path of ['shared', 'functions'].flatMap(sources)) {
    if (path.endsWith(join('observability', 'metrics.ts'))) continue;
    for (const match of readFileSync(path, 'utf8').matchAll(/\brecordMetric\(\s*'([^']+)'/g)) names.add(match[1]!);
  }
  return names;
}

interface Series {
  namespace: string;
  dimensions: Array<{ Name: string; Value: unknown }>;
}
const byName = (a: { Name: string }, b: { Name: string }) => a.Name.localeCompare(b.Name);

/** What reaches CloudWatch when the code records its metrics in a stage: each metric name with the series (namespace, dimensions and values) it lands in. */
function emittedInStage(stage: string): Map<string, Series[]> {
  const emitted = new Map<string, Series[]>();
  for (const recorded of recordedByTheCode()) {
    written = [];
    inLambda(stage);
    recordMetric(recorded as MetricName);
    for (const line of emf()) {
      for (const directive of line._aws.CloudWatchMetrics) {
        for (const dimensions of directive.Dimensions) {
          const series = { namespace: directive.Namespace, dimensions: dimensions.map((name) => ({ Name: name, Value: line[name] })).sort(byName) };
          for (const metric of directive.Metrics) emitted.set(metric.Name, [...(emitted.get(metric.Name) ?? []), series]);
        }
      }
    }
  }
  return emitted;
}

describe("the stack's alarms", () => {
  let stage: string;
  let custom: AlarmMetric[];
  beforeAll(() => {
    const stack = synth();
    stage = stack.stack.stackName.replace(/^DeliveryHub-/, '');
    // AWS's own namespaces (AWS/Lambda, AWS/SQS…) are published by AWS; the others only by our code.
    custom = Object.values(stack.resourcesOf('AWS::CloudWatch::Alarm'))
      .flatMap(alarmMetrics)
      .filter((metric) => !metric.namespace.startsWith('AWS/'));
  });

  it('read custom metrics (else the next check would prove nothing)', () => {
    expect(custom.length).toBeGreaterThan(0);
  });

  it('read only metrics the code emits, in the namespace and with exactly the dimensions and values its EMF lines carry', () => {
    const emitted = emittedInStage(stage);
    expect(emitted.size).toBeGreaterThan(0);
    for (const metric of custom) {
      const where = `${metric.alarm} reads ${metric.namespace}/${metric.name} ${JSON.stringify(metric.dimensions)}`;
      expect([...emitted.keys()], `${where}: no code emits ${metric.name}`).toContain(metric.name);
      // CloudWatch matches a metric on namespace, name and the full set of dimensions with their values.
      expect(emitted.get(metric.name), where).toContainEqual({ namespace: metric.namespace, dimensions: [...metric.dimensions].sort(byName) });
    }
  });
});
