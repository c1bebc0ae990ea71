import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, TimeZone, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { ApiMapping, DomainName, HttpApi, HttpMethod, HttpRoute, HttpRouteKey, LogGroupLogDestination, type CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Architecture, FilterCriteria, Runtime, RuntimeFamily, StartingPosition, Tracing } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct, IConstruct } from 'constructs';
import { EVENT_SOURCE } from '../shared/config.js';
import { tableDefinition } from '../shared/db/table-definition.js';
import { eventRules, outboxRelay } from '../shared/events/rules.js';
import { routeKey, routeTimeoutSeconds, type RouteDefinition } from '../shared/http/route.js';
import { fallbackRoute, routes, type RouteName } from '../shared/app/routes.js';
import { schedules } from '../shared/app/schedules.js';
import { capabilityEnvironment, capabilityStatements, emailSender, needsOf, type CapabilityResources } from './capabilities.js';
import { lambdaBundling, pascalCase } from './bundling.js';
import { toCdkEventPattern } from './event-pattern.js';
import { Observability, type FunctionGroup } from './observability.js';
import { OUTBOX_RELAY_PROFILE, permissionProfileKey, type PermissionProfile } from './permissions.js';
import { routeSettings, routeThrottle, stageThrottle, type Throttle } from './throttling.js';
import { lambdaRuntimeName } from './node-version.js';

/** Handler paths in the route table and the event rules are relative to the project root. */
const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** The Lambda runtime of every function: the project's one Node.js major (`.node-version`). */
const lambdaRuntime = Runtime.ALL.find((candidate) => candidate.name === lambdaRuntimeName) ?? new Runtime(lambdaRuntimeName, RuntimeFamily.NODEJS, { supportsInlineCode: true });

const DEFAULT_MEMORY_MB = 512;
const DEFAULT_TIMEOUT_SECONDS = 10;
/** Scheduled handlers sweep or bill in batches: a minute unless their schedule says more. */
const DEFAULT_SCHEDULE_TIMEOUT_SECONDS = 60;
/** Scheduler retries a failed invocation twice within the hour, then its dead-letter queue keeps it. */
const DEFAULT_SCHEDULE_RETRY_POLICY = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600 } as const;

/**
 * Routes whose function reads no data: they answer from code alone, so their role gets no table
 * access. Only public routes may be listed — every other route authenticates its
 * caller with a GetItem on the table (the stack refuses a non-public route here).
 */
export const routesWithoutData: ReadonlySet<RouteName> = new Set<RouteName>(['health', 'openapi']);

/**
 * What a data function may do on the table. Written out rather than `grantReadWriteData`, which
 * also grants `Scan` (the code never scans) and `<table>/index/*`; here each index of the table
 * definition is named, so no wildcard resource remains.
 */
export const tableDataActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  // TransactWriteItems is authorised item by item: Put/Update/Delete above, plus condition checks.
  'dynamodb:ConditionCheckItem',
] as const;

/** Reasons for the cdk-nag findings this stack keeps on purpose (each acknowledged where it arises). */
const acknowledged = {
  basicExecutionRole: {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      "AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs; it is AWS's maintained policy for exactly that, and a hand-written copy would add nothing.",
  },
  xrayWildcard: {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so their resource is "*". No data action has a wildcard.',
  },
  relayWildcard: {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Two actions support no resource-level permissions, so their resource is "*": active X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) and dynamodb:ListStreams, which Lambda requires to read the table stream and which lists stream ARNs, not data. Reading records is limited to this table\'s stream ARN; the relay has no table data access.',
  },
  runtime: {
    id: 'AwsSolutions-L1',
    reason:
      'nodejs22.x is a supported LTS runtime and the one the bundles are built and measured for (esbuild target node22); moving to nodejs24.x is a deliberate upgrade, not a lint fix.',
  },
  authenticatedByFunction: {
    id: 'AwsSolutions-APIG4',
    reason:
      'API keys are checked by the functions against the table (one GetItem on the key hash, with role checks from the route table); an API Gateway authorizer would add a round trip and a second place for the same rule.',
  },
  publicRoute: {
    id: 'AwsSolutions-APIG4',
    reason:
      'Public by the API contract: this route takes no API key (health check, OpenAPI document, recipient tracking by an unguessable link, rate-limited per link and per address, or the 404 answer for unknown routes).',
  },
  deadLetterQueue: {
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of an EventBridge rule target; a dead-letter queue of a dead-letter queue would only move the same messages again.',
  },
  stripeSecretRotation: {
    id: 'AwsSolutions-SMG4',
    reason:
      "Stripe API keys and webhook signing secrets are issued and rolled in Stripe's dashboard; a rotation function cannot create them. Rolling a key is: roll it in Stripe, put the new value in this secret (README, Deploy to AWS).",
  },
  relayFailureQueue: {
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is itself the on-failure destination of the outbox relay's stream event source mapping; a dead-letter queue of a dead-letter queue would only move the same failure records again.",
  },
} as const;

function acknowledge(scope: IConstruct, ...findings: { id: string; reason: string }[]): void {
  for (const finding of findings) Validations.of(scope).acknowledge(finding);
}


export interface DeliveryHubStackProps extends StackProps {
  /** `dev`, `prod`…: names the bus, queues, alarms and dashboard; `prod` adds deletion protection and keeps logs a year (a month elsewhere). */
  stage: string;
  /**
   * The verified SES identity recipients' e-mails are sent from (`-c sesFromAddress=suivi@coop.example`).
   * Without it, e-mails stay in the table's outbox (`GET /v1/hub/notifications`), as locally.
   */
  sesFromAddress?: string;
  /**
   * The verified SES identity e-mails are sent from (`-c sesIdentity=coop.example`, a domain or an
   * address): `ses:SendEmail` is granted on it alone. A domain sends as `no-reply@<domain>` unless
   * `sesFromAddress` says otherwise. Without either, e-mails stay in the table's outbox.
   */
  sesIdentity?: string;
  /** Subscribed by e-mail to the alarm topic (`-c alarmEmail=ops@coop.example`). */
  alarmEmail?: string;
  /** A custom domain for the API (`-c domainName=api.coop.example -c certificateArn=arn:aws:acm:…`). */
  customDomain?: { domainName: string; certificateArn: string };
}

interface FunctionOptions {
  /** The entry module, relative to the project root; also named in the function's description. */
  entry: string;
  /** What the function serves: `GET /health`, `event rule audit-trail`… */
  serves: string;
  memoryMb?: number | undefined;
  timeoutSeconds?: number | undefined;
  /**
   * What the function may do: it runs with the execution role of this profile, shared with every
   * function of the same profile, and gets its capabilities' environment. Without a profile the
   * function gets a role of its own, which the caller grants (the outbox relay).
   */
  profile?: PermissionProfile | undefined;
  /** Why a role of its own has `Resource: *` statements (functions with a profile share the X-Ray reason). */
  wildcard?: { id: string; reason: string } | undefined;
}

export class DeliveryHubStack extends Stack {
  readonly table: Table;
  readonly eventBus: EventBus;
  readonly api: HttpApi;
  /** One function per route of the route table. */
  readonly routeFunctions: Readonly<Record<RouteName, NodejsFunction>>;
  /** The `$default` route's function. */
  readonly fallbackFunction: NodejsFunction;
  /** One consumer function per event rule, by rule name. */
  readonly consumerFunctions: Readonly<Record<string, NodejsFunction>>;
  /** One dead-letter queue per event rule, by rule name. */
  readonly deadLetterQueues: Readonly<Record<string, Queue>>;
  /** One function per schedule, by schedule name. */
  readonly scheduledFunctions: Readonly<Record<string, NodejsFunction>>;
  /** Relays outbox items from the table's stream to the bus: the only function that puts events. */
  readonly outboxRelayFunction: NodejsFunction;
  /** The on-failure destination of the relay's event source mapping: stream batches never published. */
  readonly outboxRelayDeadLetterQueue: Queue;
  /** `delivery-hub/<stage>/stripe`: the Stripe keys, read by the functions that need `stripeSecrets`. */
  readonly stripeSecret: Secret;
  /**
   * The execution roles, by permission profile key (`infra/permissions.ts`): one per distinct
   * profile, shared by the functions of that profile, and the outbox relay's own (`outbox-relay`).
   */
  readonly executionRoles: ReadonlyMap<string, IRole>;
  /** Alarms, their topic, and the dashboard. */
  readonly observability: Observability;
  /** The API Gateway throttle of each route key (`$default` included), from the route table. */
  readonly routeThrottles: ReadonlyMap<string, Throttle>;
  /** The URL tracking and integration links start with: the custom domain's, else the API's. */
  readonly publicBaseUrl: string;
  /** Longer in prod: function logs and API access logs. */
  private readonly logRetention: RetentionDays;
  /** Made on first use, one per profile key. */
  private readonly profileRoles = new Map<string, Role>();
  /** What the capabilities are granted on (set before the first function is made). */
  private readonly capabilityResources: CapabilityResources;

  constructor(scope: Construct, id: string, props: DeliveryHubStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const prod = stage === 'prod';
    this.logRetention = prod ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH;

    for (const name of routesWithoutData) {
      if (routes[name].roles !== 'public') throw new Error(`Route ${name} authenticates callers against the table; it cannot be listed in routesWithoutData`);
    }

    this.table = this.createTable(stage);
    this.eventBus = new EventBus(this, 'EventBus', { eventBusName: `delivery-hub-${stage}` });
    this.eventBus.archive('Archive', {
      description: `Every ${EVENT_SOURCE} event, for replays and investigations.`,
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(365),
    });

    // The API first: functions get its endpoint as their public base URL.
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `delivery-hub-${stage}`,
      description: 'Delivery Hub HTTP API: one route per entry of shared/http/routes.ts.',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', { retention: this.logRetention });
    const defaultStage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // Each route's own bucket is set below (route settings); this is the default of each.
      throttle: { burstLimit: stageThrottle.burstLimit, rateLimit: stageThrottle.rateLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          // No personal data and no secrets: the route's template (`GET /v1/track/{token}`), not
          // the path, which would write every tracking link (a bearer capability) to the logs; no
          // client IP or user agent (personal data; the per-IP rate limit needs no log). The request
          // id joins a line to the function's own log lines (tenant, key id, status, latency).
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    // Optional custom domain: links then start with it (the execute-api URL keeps working).
    let customDomain: DomainName | undefined;
    if (props.customDomain) {
      customDomain = new DomainName(this, 'CustomDomain', {
        domainName: props.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'CustomDomainCertificate', props.customDomain.certificateArn),
      });
      new ApiMapping(this, 'CustomDomainMapping', { api: this.api, domainName: customDomain, stage: defaultStage });
    }
    this.publicBaseUrl = props.customDomain ? `https://${props.customDomain.domainName}` : this.api.apiEndpoint;

    // The Stripe keys: created empty (a JSON template), filled once by the operator with
    // `aws secretsmanager put-secret-value` and never written by the stack again (keep this
    // definition unchanged: a changed template value would be written over the keys). Retained
    // on delete, like the table.
    this.stripeSecret = new Secret(this, 'StripeSecret', {
      secretName: `delivery-hub/${stage}/stripe`,
      description: `Stripe keys of Delivery Hub (${stage}): {"secretKey":"sk_…","webhookSecret":"whsec_…"}.`,
      secretObjectValue: { secretKey: SecretValue.unsafePlainText(''), webhookSecret: SecretValue.unsafePlainText('') },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.stripeSecret, acknowledged.stripeSecretRotation);
    this.capabilityResources = {
      stack: this,
      email: emailSender({ sesIdentity: props.sesIdentity, sesFromAddress: props.sesFromAddress }),
      stripeSecret: this.stripeSecret,
      eventBus: this.eventBus,
    };

    const environment: Record<string, string> = {
      TABLE_NAME: this.table.tableName,
      EVENT_BUS_NAME: this.eventBus.eventBusName,
      PUBLIC_BASE_URL: this.publicBaseUrl,
      STAGE: stage,
      POWERTOOLS_SERVICE_NAME: 'delivery-hub',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // No `NODE_OPTIONS=--enable-source-maps`: it parses the source map in every cold start (7–9 ms
      // measured by the benchmark). Stacks are mapped when read instead (`LAMBDA_STACK_TRACES_MODULE`).
    };

    const routeFunctions = {} as Record<RouteName, NodejsFunction>;
    const routeThrottles = new Map<string, Throttle>();
    const httpRoutes: HttpRoute[] = [];
    for (const [name, route] of Object.entries(routes) as [RouteName, RouteDefinition][]) {
      // Events are written to the table as outbox items, in the same transaction as the state
      // change; only the outbox relay puts them on the bus (unless the route needs publishEvents).
      const fn = this.createFunction(`${pascalCase(name)}Fn`, environment, {
        entry: route.handler,
        serves: routeKey(route),
        memoryMb: route.memoryMb,
        timeoutSeconds: routeTimeoutSeconds(route),
        profile: { tableData: !routesWithoutData.has(name), needs: needsOf(route) },
      });
      routeThrottles.set(routeKey(route), routeThrottle(route, !routesWithoutData.has(name)));
      const httpRoute = new HttpRoute(this, `${pascalCase(name)}Route`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: new HttpLambdaIntegration(`${pascalCase(name)}Integration`, fn),
      });
      acknowledge(httpRoute, route.roles === 'public' ? acknowledged.publicRoute : acknowledged.authenticatedByFunction);
      httpRoutes.push(httpRoute);
      routeFunctions[name] = fn;
    }
    this.routeFunctions = routeFunctions;

    // Answers unknown routes with the contract's 404: no data, no events.
    this.fallbackFunction = this.createFunction('FallbackFn', environment, {
      entry: fallbackRoute.handler,
      serves: HttpRouteKey.DEFAULT.key,
      profile: { tableData: false, needs: [] },
    });
    const fallbackHttpRoute = new HttpRoute(this, 'FallbackRoute', {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('FallbackIntegration', this.fallbackFunction),
    });
    acknowledge(fallbackHttpRoute, acknowledged.publicRoute);
    httpRoutes.push(fallbackHttpRoute);
    // The 404 answers from code: the stage default.
    routeThrottles.set(HttpRouteKey.DEFAULT.key, routeThrottle({ roles: 'public' }, false));

    // Per-route throttling, keyed by route key. The stage must come after its routes:
    // API Gateway refuses settings for a route key that does not exist yet.
    this.routeThrottles = routeThrottles;
    const cfnStage = defaultStage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = routeSettings(routeThrottles);
    for (const httpRoute of httpRoutes) defaultStage.node.addDependency(httpRoute);

    const consumerFunctions: Record<string, NodejsFunction> = {};
    const deadLetterQueues: Record<string, Queue> = {};
    for (const rule of eventRules) {
      const id = pascalCase(rule.name);
      // Consumers record what happened; they publish nothing unless their rule needs publishEvents.
      // SES SendEmail from the configured identity only, the Stripe secret…: what the rule needs.
      const consumer = this.createFunction(`${id}ConsumerFn`, environment, {
        entry: rule.target.handler,
        serves: `event rule ${rule.name}`,
        timeoutSeconds: rule.target.timeoutSeconds,
        profile: { tableData: true, needs: needsOf(rule.target) },
      });
      const deadLetterQueue = new Queue(this, `${id}DeadLetterQueue`, {
        queueName: `delivery-hub-${stage}-${rule.name}-dlq`,
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      acknowledge(deadLetterQueue, acknowledged.deadLetterQueue);
      new Rule(this, `${id}Rule`, {
        eventBus: this.eventBus,
        ruleName: rule.name,
        description: rule.description,
        eventPattern: toCdkEventPattern(rule.pattern),
        targets: [
          new LambdaFunction(consumer, {
            retryAttempts: rule.target.retryAttempts,
            maxEventAge: Duration.seconds(rule.target.maximumEventAgeSeconds),
            deadLetterQueue,
          }),
        ],
      });
      consumerFunctions[rule.name] = consumer;
      deadLetterQueues[rule.name] = deadLetterQueue;
    }
    this.consumerFunctions = consumerFunctions;
    this.deadLetterQueues = deadLetterQueues;

    // Handlers on a clock (webhook retries, monthly billing): EventBridge Scheduler, each with a DLQ.
    const scheduledFunctions: Record<string, NodejsFunction> = {};
    for (const schedule of schedules) {
      const id = pascalCase(schedule.name);
      const fn = this.createFunction(`${id}ScheduledFn`, environment, {
        entry: schedule.handler,
        serves: `schedule ${schedule.name}`,
        memoryMb: schedule.memoryMb,
        timeoutSeconds: schedule.timeoutSeconds ?? DEFAULT_SCHEDULE_TIMEOUT_SECONDS,
        profile: { tableData: true, needs: needsOf(schedule) },
      });
      const retry = schedule.retryPolicy ?? DEFAULT_SCHEDULE_RETRY_POLICY;
      const deadLetterQueue = new Queue(this, `${id}ScheduleDeadLetterQueue`, {
        queueName: `delivery-hub-${stage}-${schedule.name}-schedule-dlq`,
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      acknowledge(deadLetterQueue, acknowledged.deadLetterQueue);
      const role = new Role(this, `${id}SchedulerRole`, { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
      acknowledge(role, {
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: 'The scheduler may invoke this one function (its versions and aliases are what `:*` covers), nothing else.',
      });
      new Schedule(this, `${id}Schedule`, {
        description: schedule.description,
        schedule: ScheduleExpression.expression(schedule.expression, schedule.timezone ? TimeZone.of(schedule.timezone) : undefined),
        target: new LambdaInvoke(fn, {
          retryAttempts: retry.maximumRetryAttempts,
          maxEventAge: Duration.seconds(retry.maximumEventAgeSeconds),
          deadLetterQueue,
          role,
          ...(schedule.input ? { input: ScheduleTargetInput.fromObject(schedule.input) } : {}),
        }),
      });
      scheduledFunctions[schedule.name] = fn;
    }
    this.scheduledFunctions = scheduledFunctions;

    // The outbox relay: the table's stream, filtered to new outbox items, put on the bus in order.
    const relayId = pascalCase(outboxRelay.name);
    this.outboxRelayFunction = this.createFunction(`${relayId}Fn`, environment, {
      entry: outboxRelay.handler,
      serves: `table stream ${outboxRelay.name}`,
      wildcard: acknowledged.relayWildcard,
    });
    // A role of its own: no table data (the stream brings the outbox items; the event source grants
    // the stream read and its failure queue), PutEvents on the bus.
    this.eventBus.grantPutEventsTo(this.outboxRelayFunction);
    this.outboxRelayDeadLetterQueue = new Queue(this, `${relayId}DeadLetterQueue`, {
      queueName: `delivery-hub-${stage}-${outboxRelay.name}-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.outboxRelayDeadLetterQueue, acknowledged.relayFailureQueue);
    this.outboxRelayFunction.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: outboxRelay.batchSize,
        filters: [FilterCriteria.filter(outboxRelay.filter)],
        // The handler reports the first record it could not publish; the stream retries from there.
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        // Retry until the record is older than maxRecordAge: an event is late rather than lost.
        retryAttempts: -1,
        maxRecordAge: Duration.seconds(outboxRelay.maximumRecordAgeSeconds),
        // One batch per shard at a time: events of one item reach the bus in the order written.
        parallelizationFactor: 1,
        // What could never be published leaves a record (the shard and sequence range to replay
        // from the outbox items, which the table keeps for a week).
        onFailure: new SqsDlq(this.outboxRelayDeadLetterQueue),
      }),
    );

    this.executionRoles = new Map<string, IRole>([...this.profileRoles, [OUTBOX_RELAY_PROFILE, this.outboxRelayFunction.role!]]);

    // Alarms and the dashboard, from everything made above.
    const functionGroups: FunctionGroup[] = [
      { id: 'Api', label: 'API routes', functions: [...Object.values<IFunction>(this.routeFunctions), this.fallbackFunction] },
      { id: 'Consumers', label: 'Event consumers', functions: Object.values(this.consumerFunctions) },
      { id: 'Relay', label: 'Outbox relay', functions: [this.outboxRelayFunction] },
      { id: 'Schedules', label: 'Scheduled handlers', functions: Object.values(this.scheduledFunctions) },
    ];
    this.observability = new Observability(this, 'Observability', {
      stage,
      api: this.api,
      table: this.table,
      functionGroups: functionGroups.filter((group) => group.functions.length > 0),
      scheduledFunctions: this.scheduledFunctions,
      // Every queue of the stack is a dead-letter queue (rules, the relay, schedules).
      deadLetterQueues: new Map(
        this.node
          .findAll()
          .filter((construct): construct is Queue => construct instanceof Queue)
          .map((queue) => [queue.node.id.replace(/DeadLetterQueue$/, ''), queue] as const),
      ),
      alarmEmail: props.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: defaultStage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'PublicBaseUrl', { value: this.publicBaseUrl, description: 'Where tracking and integration links point' });
    if (customDomain) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: customDomain.regionalDomainName,
        description: `DNS: point ${props.customDomain?.domainName} here (CNAME, or an alias record with the hosted zone below)`,
      });
      new CfnOutput(this, 'CustomDomainHostedZoneId', { value: customDomain.regionalHostedZoneId });
    }
    new CfnOutput(this, 'StripeSecretName', { value: `delivery-hub/${stage}/stripe`, description: 'Put the Stripe keys here (aws secretsmanager put-secret-value)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.topic.topicArn, description: 'Every alarm notifies this topic' });
    new CfnOutput(this, 'DashboardName', { value: `DeliveryHub-${stage}` });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.eventBus.eventBusName });
    new CfnOutput(this, 'OutboxRelayDlqUrl', {
      value: this.outboxRelayDeadLetterQueue.queueUrl,
      description: 'Stream batches the outbox relay could never publish',
    });
  }

  private createTable(stage: string): Table {
    const table = new Table(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: stage === 'prod',
      stream: StreamViewType[tableDefinition.streamViewType],
    });
    for (const index of tableDefinition.globalSecondaryIndexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }
    return table;
  }

  private tableDataStatement(): PolicyStatement {
    return new PolicyStatement({
      actions: [...tableDataActions],
      resources: [this.table.tableArn, ...tableDefinition.globalSecondaryIndexes.map((index) => `${this.table.tableArn}/index/${index.name}`)],
    });
  }

  /**
   * The execution role of a permission profile, made on first use: its logs (AWS's basic
   * execution policy), the table's data if the profile has it, then each capability's grant.
   * Lambda adds X-Ray's statement for each function (once in the policy). Every function of the
   * profile runs with it; each still assumes it in a session of its own name, so CloudTrail
   * records which function made a call. Because the role is shared, never grant to one function
   * (`fn.addToRolePolicy`, `resource.grant…(fn)`): that would grant every function of the profile.
   * Grant through the profile instead (a capability in `shared/capabilities.ts`), or give the
   * function a role of its own, as the outbox relay has; tests/infra/permission-profiles.test.ts
   * fails on any permission a function does not get from its own profile.
   */
  private executionRole(profile: PermissionProfile): Role {
    const key = permissionProfileKey(profile);
    const existing = this.profileRoles.get(key);
    if (existing) return existing;
    const role = new Role(this, `ExecutionRole${pascalCase(key)}`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Delivery Hub: execution role of every function of permission profile ${key} (infra/permissions.ts).`,
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    if (profile.tableData) role.addToPolicy(this.tableDataStatement());
    for (const statement of capabilityStatements(profile.needs, this.capabilityResources)) role.addToPolicy(statement);
    acknowledge(role, acknowledged.basicExecutionRole, acknowledged.xrayWildcard);
    this.profileRoles.set(key, role);
    return role;
  }

  private createFunction(id: string, environment: Record<string, string>, options: FunctionOptions): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, { retention: this.logRetention });
    const { profile } = options;
    const fn = new NodejsFunction(this, id, {
      entry: resolve(projectRoot, options.entry),
      handler: 'handler',
      description: `${options.serves} (${options.entry})`.slice(0, 256),
      projectRoot,
      depsLockFilePath: resolve(projectRoot, 'package-lock.json'),
      runtime: lambdaRuntime,
      architecture: Architecture.ARM_64,
      memorySize: options.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      tracing: Tracing.ACTIVE,
      logGroup,
      ...(profile ? { role: this.executionRole(profile) } : {}),
      environment: profile ? { ...environment, ...capabilityEnvironment(profile.needs, this.capabilityResources) } : environment,
      // One source for the functions' esbuild options: the benchmark bundles with the same (infra/bundling.ts).
      bundling: { ...lambdaBundling, mainFields: [...(lambdaBundling.mainFields ?? [])] },
    });
    // A shared role carries its own acknowledgements (executionRole); a role of the function's own, here.
    if (profile) acknowledge(fn, acknowledged.runtime);
    else acknowledge(fn, acknowledged.basicExecutionRole, options.wildcard ?? acknowledged.xrayWildcard, acknowledged.runtime);
    return fn;
  }
}
