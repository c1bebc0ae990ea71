import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, METRIC_STAGE_DIMENSION, metricNames, type MetricName } from '../../shared/observability/metrics.js';
import { pascalCase } from '../bundling.js';

/** The thresholds of the alarms, in one place (the README's table and the tests read these). */
export const alarmThresholds = {
  /** HTTP API 5xx answers, percent of requests, over 5 minutes. */
  api5xxRatePercent: 1,
  /** HTTP API latency p99, milliseconds, in 2 of 3 five-minute periods. */
  apiLatencyP99Ms: 2000,
  /** Messages waiting in any dead-letter queue. */
  deadLetterMessages: 0,
  /** Webhook attempts that failed, percent, over 15 minutes (once there are at least `webhookMinimumAttempts`). */
  webhookFailureRatePercent: 20,
  /** Below this many attempts in 15 minutes, one tenant's broken endpoint is not a rate. */
  webhookMinimumAttempts: 10,
  /** Errors of a scheduled function (each schedule's run), over 5 minutes. */
  scheduledFunctionErrors: 0,
  /** `BillingRunFailures` recorded by the billing run. */
  billingRunFailures: 0,
  /** `InvoiceRefusedSellerIdentity`: invoicing refused because the seller's identity holds placeholders (prod), over 5 minutes. */
  invoiceRefusedSellerIdentity: 0,
  /** Lambda throttles, summed over the functions of a group. */
  lambdaThrottles: 0,
  /** DynamoDB throttled requests and system errors, over every operation the code uses. */
  dynamoDbThrottledRequests: 0,
  dynamoDbSystemErrors: 0,
} as const;

/** An alarm math expression may read at most 10 metrics (a hard CloudWatch limit). */
const MAX_METRICS_PER_ALARM = 10;

/**
 * The table operations the functions use (`tableDataActions` in the stack; a transaction's
 * condition checks come as TransactWriteItems) and the relay's stream reads.
 */
const tableOperations = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
  Operation.GET_RECORDS,
];

/** A group of functions, as the dashboard shows them and the throttle alarms cover them. */
export interface FunctionGroup {
  /** Short, alphanumeric: names the alarms (`LambdaThrottles-<id>-<n>`). */
  id: string;
  label: string;
  functions: readonly IFunction[];
}

export interface ObservabilityProps {
  stage: string;
  api: HttpApi;
  table: Table;
  /** Every function of the stack, once, by group. */
  functionGroups: readonly FunctionGroup[];
  /** One function per schedule, by schedule name: each gets an Errors alarm. */
  scheduledFunctions: Readonly<Record<string, IFunction>>;
  /** Every dead-letter queue of the stack, by a readable label: each gets a depth alarm. */
  deadLetterQueues: ReadonlyMap<string, IQueue>;
  /** Routes with a 5xx alarm of their own, from API Gateway's detailed metrics (on for them alone). */
  watchedRoutes?: ReadonlyArray<{ name: string; routeKey: string }>;
  /** Subscribed to the alarm topic by e-mail when given (the address confirms the subscription). */
  alarmEmail?: string | undefined;
}


function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * Alarms, their SNS topic and the stage's dashboard. Everything is derived from what the stack
 * made (functions by group, schedules, queues) and from the custom metric names of
 * `shared/observability/metrics.ts`: nothing here lists a route, a rule or a schedule.
 */
export class Observability extends Construct {
  /** `delivery-hub-<stage>-alarms`: every alarm notifies it (in ALARM and back to OK). */
  readonly topic: Topic;
  /** Every alarm, by its short name (`Api5xxRate`, `DeadLetters-AuditTrail`…); the alarm's name is `DeliveryHub-<stage>-<short name>`. */
  readonly alarms: Readonly<Record<string, Alarm>>;
  readonly dashboard: Dashboard;
  readonly alarmNamePrefix: string;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { stage, api, table } = props;
    const stack = Stack.of(this);
    this.alarmNamePrefix = `DeliveryHub-${stage}-`;
    const alarmArnPattern = stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `${this.alarmNamePrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    // The topic is encrypted with a key of its own: CloudWatch cannot publish to a topic encrypted
    // with SNS's AWS-managed key (its policy cannot grant CloudWatch), so the key policy says who may.
    const key = new Key(this, 'AlarmTopicKey', {
      description: `Encrypts the Delivery Hub (${stage}) alarm topic.`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    const fromOurAlarms = { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': alarmArnPattern } };
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOurAlarms,
      }),
    );
    this.topic = new Topic(this, 'Alarms', {
      topicName: `delivery-hub-${stage}-alarms`,
      displayName: `Delivery Hub ${stage} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOurAlarms,
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const action = new SnsAction(this.topic);
    const alarms: Record<string, Alarm> = {};
    const alarm = (name: string, options: { metric: IMetric; threshold: number; description: string; evaluationPeriods?: number; datapointsToAlarm?: number }) => {
      const created = new Alarm(this, name, {
        alarmName: `${this.alarmNamePrefix}${name}`,
        alarmDescription: options.description,
        metric: options.metric,
        threshold: options.threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        datapointsToAlarm: options.datapointsToAlarm ?? options.evaluationPeriods ?? 1,
        // No data is no traffic (or an idle queue): not a failure.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      alarms[name] = created;
      return created;
    };

    const fiveMinutes = Duration.minutes(5);
    const custom = (name: MetricName, period = fiveMinutes, label?: string) =>
      new Metric({ namespace: METRIC_NAMESPACE, metricName: metricNames[name], dimensionsMap: { [METRIC_STAGE_DIMENSION]: stage }, statistic: 'Sum', period, label: label ?? name });

    // The API: 5xx rate and latency.
    const requests = api.metricCount({ statistic: 'Sum', period: fiveMinutes, label: 'Requests' });
    const serverErrors = api.metricServerError({ statistic: 'Sum', period: fiveMinutes, label: '5xx' });
    const clientErrors = api.metricClientError({ statistic: 'Sum', period: fiveMinutes, label: '4xx' });
    const latencyP99 = api.metricLatency({ statistic: 'p99', period: fiveMinutes, label: 'Latency p99' });
    alarm('Api5xxRate', {
      metric: new MathExpression({ expression: 'IF(requests > 0, 100 * errors / requests, 0)', usingMetrics: { requests, errors: serverErrors }, period: fiveMinutes, label: '5xx %' }),
      threshold: alarmThresholds.api5xxRatePercent,
      description: `More than ${alarmThresholds.api5xxRatePercent} % of the HTTP API's answers were 5xx over 5 minutes: read the functions' logs (errors carry the requestId of the access log).`,
    });
    alarm('ApiLatencyP99', {
      metric: latencyP99,
      threshold: alarmThresholds.apiLatencyP99Ms,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description: `The HTTP API's p99 latency was above ${alarmThresholds.apiLatencyP99Ms} ms in 2 of the last 3 five-minute periods.`,
    });

    // Watched routes: the same rate, per route (API Gateway's `Route` dimension: the route key).
    for (const watched of props.watchedRoutes ?? []) {
      // The API has one stage, `$default` (HttpGateway).
      const dimensionsMap = { ApiId: api.apiId, Stage: '$default', Route: watched.routeKey };
      const routeMetric = (metricName: string) => new Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap, statistic: 'Sum', period: fiveMinutes });
      alarm(`Route5xxRate-${pascalCase(watched.name)}`, {
        metric: new MathExpression({
          expression: 'IF(requests > 0, 100 * errors / requests, 0)',
          usingMetrics: { requests: routeMetric('Count'), errors: routeMetric('5xx') },
          period: fiveMinutes,
          label: `${watched.routeKey} 5xx %`,
        }),
        threshold: alarmThresholds.api5xxRatePercent,
        description: `More than ${alarmThresholds.api5xxRatePercent} % of ${watched.routeKey}'s answers were 5xx over 5 minutes (a watched route: its failures matter even when the rest of the API is fine).`,
      });
    }

    // Dead-letter queues: any message is an event, a stream batch or a scheduled run that failed for good.
    for (const [label, queue] of props.deadLetterQueues) {
      alarm(`DeadLetters-${label}`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: fiveMinutes }),
        threshold: alarmThresholds.deadLetterMessages,
        description: `Dead-letter queue ${label} holds messages: each is work that failed after every retry. Read them, fix the cause, redrive.`,
      });
    }

    // Webhooks: the share of attempts that failed.
    const fifteenMinutes = Duration.minutes(15);
    const webhookAttempts = custom('WebhookAttempts', fifteenMinutes);
    const webhookFailures = custom('WebhookFailures', fifteenMinutes);
    alarm('WebhookFailureRate', {
      metric: new MathExpression({
        expression: `IF(attempts >= ${alarmThresholds.webhookMinimumAttempts}, 100 * failures / attempts, 0)`,
        usingMetrics: { attempts: webhookAttempts, failures: webhookFailures },
        period: fifteenMinutes,
        label: 'Webhook failures %',
      }),
      threshold: alarmThresholds.webhookFailureRatePercent,
      description: `More than ${alarmThresholds.webhookFailureRatePercent} % of webhook attempts failed over 15 minutes: a receiver is down, or our sender is.`,
    });

    // Scheduled runs (the monthly billing run among them): any error of the function, and the run's own failure metric.
    for (const [name, fn] of Object.entries(props.scheduledFunctions)) {
      alarm(`ScheduleErrors-${pascalCase(name)}`, {
        metric: fn.metricErrors({ statistic: 'Sum', period: fiveMinutes }),
        threshold: alarmThresholds.scheduledFunctionErrors,
        description: `The scheduled function of '${name}' failed (Scheduler retries it, then its dead-letter queue keeps the invocation).`,
      });
    }
    alarm('BillingRunFailures', {
      metric: custom('BillingRunFailures'),
      threshold: alarmThresholds.billingRunFailures,
      description: 'A billing run recorded a failure: invoices of the period may be missing. The run resumes where it stopped when run again.',
    });
    // Any refusal (≥ 1 in 5 minutes): no invoice can be issued until the seller's identity is configured.
    alarm('InvoiceRefusedSellerIdentity', {
      metric: custom('InvoiceRefusedSellerIdentity'),
      threshold: alarmThresholds.invoiceRefusedSellerIdentity,
      description:
        "Invoicing was refused: the seller's identity (SIRET, VAT number, IBAN…) holds placeholders or invalid values, so no invoice is issued. Deploy with the `seller` context set (docs/operations.md, \"The seller's identity\"), then run the billing again.",
    });

    // Lambda throttles: every function, at most 10 per alarm (CloudWatch's limit for metric math alarms).
    for (const group of props.functionGroups) {
      chunks(group.functions, MAX_METRICS_PER_ALARM).forEach((part, index) => {
        const usingMetrics = Object.fromEntries(part.map((fn, i) => [`t${i}`, fn.metricThrottles({ statistic: 'Sum', period: fiveMinutes })]));
        alarm(`LambdaThrottles-${group.id}-${index + 1}`, {
          metric: new MathExpression({ expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`, usingMetrics, period: fiveMinutes, label: `${group.label} throttles` }),
          threshold: alarmThresholds.lambdaThrottles,
          description: `Lambda throttled invocations of ${group.label.toLowerCase()} (part ${index + 1}): the account's concurrency is exhausted.`,
        });
      });
    }

    // DynamoDB: throttled requests and system errors over the operations the code uses.
    const dynamoThrottles = table.metricThrottledRequestsForOperations({ operations: tableOperations, period: fiveMinutes, label: 'Throttled requests' });
    const dynamoSystemErrors = table.metricSystemErrorsForOperations({ operations: tableOperations, period: fiveMinutes, label: 'System errors' });
    alarm('DynamoDbThrottles', {
      metric: dynamoThrottles,
      threshold: alarmThresholds.dynamoDbThrottledRequests,
      description: 'DynamoDB throttled requests on the table: a hot partition, or on-demand scaling behind a sudden peak (see the README, Scale).',
    });
    alarm('DynamoDbSystemErrors', {
      metric: dynamoSystemErrors,
      threshold: alarmThresholds.dynamoDbSystemErrors,
      description: 'DynamoDB answered with internal errors (the SDK retries them; many mean an AWS-side incident).',
    });
    this.alarms = alarms;

    // The dashboard.
    // Ids are unique within a graph: `<group id>` then the function's index.
    const groupMetric = (group: FunctionGroup, metric: (fn: IFunction) => IMetric, aggregate: 'SUM' | 'MAX', label: string): IMetric => {
      const usingMetrics = Object.fromEntries(group.functions.map((fn, i) => [`${group.id.toLowerCase()}${i}`, metric(fn)]));
      return new MathExpression({ expression: `${aggregate}([${Object.keys(usingMetrics).join(', ')}])`, usingMetrics, period: fiveMinutes, label });
    };
    const widgets: IWidget[][] = [
      [
        new GraphWidget({ title: 'API requests', left: [requests], width: 8 }),
        new GraphWidget({ title: 'API errors', left: [serverErrors, clientErrors], width: 8 }),
        new GraphWidget({
          title: 'API latency (ms)',
          left: [api.metricLatency({ statistic: 'p50', period: fiveMinutes, label: 'Latency p50' }), latencyP99],
          width: 8,
        }),
      ],
      [
        new GraphWidget({ title: 'Deliveries booked', left: [custom('DeliveriesBooked')], width: 8 }),
        new GraphWidget({ title: 'Webhook attempts and failures', left: [custom('WebhookAttempts'), custom('WebhookFailures')], width: 8 }),
        new GraphWidget({
          title: 'Billing lines and run failures',
          left: [custom('BillingLines')],
          right: [custom('BillingRunFailures'), custom('InvoiceRefusedSellerIdentity', fiveMinutes, 'Refused: seller identity')],
          width: 8,
        }),
      ],
      [
        new GraphWidget({
          title: 'Dead-letter queues (messages visible)',
          left: [...props.deadLetterQueues].map(([label, queue]) => queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: fiveMinutes, label })),
          width: 12,
        }),
        new AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(alarms), width: 12, height: 6 }),
      ],
      [
        new GraphWidget({
          title: 'Lambda errors by group',
          left: props.functionGroups.map((group) => groupMetric(group, (fn) => fn.metricErrors({ statistic: 'Sum', period: fiveMinutes }), 'SUM', group.label)),
          width: 8,
        }),
        new GraphWidget({
          title: 'Lambda duration p99 by group (ms, slowest function)',
          left: props.functionGroups.map((group) => groupMetric(group, (fn) => fn.metricDuration({ statistic: 'p99', period: fiveMinutes }), 'MAX', group.label)),
          width: 8,
        }),
        new GraphWidget({
          title: 'Lambda throttles by group',
          left: props.functionGroups.map((group) => groupMetric(group, (fn) => fn.metricThrottles({ statistic: 'Sum', period: fiveMinutes }), 'SUM', group.label)),
          width: 8,
        }),
      ],
      [
        new GraphWidget({
          title: 'DynamoDB consumed capacity',
          left: [
            table.metricConsumedReadCapacityUnits({ statistic: 'Sum', period: fiveMinutes, label: 'Read units' }),
            table.metricConsumedWriteCapacityUnits({ statistic: 'Sum', period: fiveMinutes, label: 'Write units' }),
          ],
          width: 8,
        }),
        // One graph each: CDK's per-operation expressions name their metrics by operation.
        new GraphWidget({ title: 'DynamoDB throttled requests', left: [dynamoThrottles], width: 8 }),
        new GraphWidget({ title: 'DynamoDB system errors', left: [dynamoSystemErrors], width: 8 }),
      ],
    ];
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `DeliveryHub-${stage}`, widgets, defaultInterval: Duration.hours(24) });
  }
}
