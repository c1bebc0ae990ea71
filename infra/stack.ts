import { Annotations, CfnOutput, RemovalPolicy, SecretValue, Stack, type CfnElement, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { eventRules, outboxRelay } from '../shared/app/rules.js';
import { routes, type RouteName } from '../shared/app/routes.js';
import { schedules } from '../shared/app/schedules.js';
import type { RouteDefinition } from '../shared/http/route.js';
import { FALLBACK_GROUP, type FunctionGroupName } from '../shared/http/function-groups.js';
import { pascalCase } from './bundling.js';
import { sellerEnvironment, type SellerSettings } from '../shared/billing/seller.js';
import { emailSender } from './capabilities.js';
import { sellerContextProblems } from './seller.js';
import { acknowledge, acknowledged } from './constructs/acknowledgements.js';
import { DataTable } from './constructs/data-table.js';
import { DeliveryEventBus } from './constructs/event-bus.js';
import { EventConsumers } from './constructs/event-consumers.js';
import { LambdaFunctions } from './constructs/functions.js';
import { HttpGateway, HttpRoutes } from './constructs/http-api.js';
import { logicalIdWithoutLayers } from './constructs/layer.js';
import { Observability } from './constructs/observability.js';
import { OutboxRelay } from './constructs/outbox-relay.js';
import { ProofPhotos } from './constructs/proof-photos.js';
import { ScheduledJobs } from './constructs/scheduled-jobs.js';
import { WebApp } from './constructs/web-app.js';
import { OUTBOX_RELAY_PROFILE } from './permissions.js';
import type { Throttle } from './throttling.js';

export { tableDataActions } from './constructs/data-table.js';

/**
 * Routes whose function reads no data: they answer from code alone, so their role gets no table
 * access. Only public routes may be listed — every other route authenticates its
 * caller with a GetItem on the table (the stack refuses a non-public route here).
 */
export const routesWithoutData: ReadonlySet<RouteName> = new Set((Object.entries(routes) as [RouteName, RouteDefinition][]).filter(([, route]) => route.readsData === false).map(([name]) => name));

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
  /**
   * The seller's identity on invoices (`-c seller='{"siret":"…",…}'` or `seller` in cdk.json),
   * given as `BILLING_SELLER_*` variables to the functions that need `sellerIdentity`. Whatever
   * is left out keeps configuration's placeholder, which prod refuses to invoice with: the
   * synthesis then warns.
   */
  seller?: SellerSettings;
  /**
   * The built web app to upload (Vite's output, `web/dist/`: `-c webAppDist=…`), or undefined to
   * leave the deployed files as they are. A folder without index.html is not uploaded: the
   * synthesis warns.
   */
  webAppDist?: string;
  /** The dispatch board's map tiles (`-c mapTileUrl=https://… -c mapTileAttribution=…`): none by default (markers and outlines only). */
  mapTiles?: { url: string; attribution?: string };
}

/**
 * The stage's stack, assembled from its parts (`infra/constructs/`), each a construct with a
 * clear input: the table, the bus, the HTTP gateway and its routes, the event consumers, the
 * schedules, the outbox relay and observability. Every function comes from one factory
 * (`LambdaFunctions`); every queue is a dead-letter queue from one helper. What each part makes
 * is read from the composition root (`shared/app/`: routes, rules, schedules).
 */
export class DeliveryHubStack extends Stack {
  readonly table: Table;
  readonly eventBus: EventBus;
  readonly api: HttpApi;
  /** The function each route runs in (its function group's). */
  readonly routeFunctions: Readonly<Record<RouteName, NodejsFunction>>;
  /** One function per function group of the route table (`shared/http/function-groups.ts`). */
  readonly groupFunctions: Readonly<Record<FunctionGroupName, NodejsFunction>>;
  /** The `$default` route's function (the static group's). */
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
  /** The URL tracking, sign-in and integration links start with: the custom domain's, else the distribution's. */
  readonly publicBaseUrl: string;
  /** The web app's bucket and the CloudFront distribution in front of it and of the API. */
  readonly webApp: WebApp;
  /** The proof-of-delivery photos' bucket (the functions that need `proofPhotos` reach its objects). */
  readonly proofPhotos: ProofPhotos;

  constructor(scope: Construct, id: string, props: DeliveryHubStackProps) {
    super(scope, id, props);
    const { stage } = props;
    // Longer in prod: function logs and API access logs.
    const logRetention = stage === 'prod' ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH;

    for (const name of routesWithoutData) {
      if (routes[name].roles !== 'public') throw new Error(`Route ${name} authenticates callers against the table: it cannot be declared readsData: false`);
    }

    const data = new DataTable(this, 'Data', { stage });
    this.table = data.table;
    this.eventBus = new DeliveryEventBus(this, 'Events', { stage }).bus;
    // The gateway first, then the distribution in front of it and the web app: functions get its URL as their public base URL.
    const gateway = new HttpGateway(this, 'Gateway', { stage, logRetention, customDomain: props.customDomain });
    this.api = gateway.api;
    // The app and the API behind one distribution (the session cookie stays first-party): links
    // start with its URL, unless the API has a custom domain, which keeps them as they were.
    this.webApp = new WebApp(this, 'Web', { stage, api: this.api, distDir: props.webAppDist, logRetention, mapTileUrl: props.mapTiles?.url });
    this.publicBaseUrl = props.customDomain ? gateway.publicBaseUrl : this.webApp.url;
    this.proofPhotos = new ProofPhotos(this, 'Proofs', { webAppOrigin: this.webApp.url });
    if (props.customDomain) {
      Annotations.of(this).addWarningV2(
        'delivery-hub:links-on-api-domain',
        `Links start with the API's custom domain (https://${props.customDomain.domainName}), which serves the API only: sign-in links (/app/sign-in) opened there do not reach the web app, served by the distribution (output WebAppUrl). See docs/operations.md, "The web app".`,
      );
    }

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

    // Invoices with placeholders are refused in prod (shared/billing/seller.ts): say so at synthesis already.
    const sellerProblems = sellerContextProblems(props.seller ?? {});
    if (stage === 'prod' && sellerProblems.length > 0) {
      Annotations.of(this).addWarningV2(
        'delivery-hub:seller-identity',
        `The seller's identity (context 'seller') is not ready: prod will refuse to issue invoices. ${sellerProblems.join('; ')}. See docs/operations.md, "The seller's identity".`,
      );
    }

    const functions = new LambdaFunctions({
      rolesScope: this,
      logRetention,
      tableData: () => data.dataStatement(),
      capabilityResources: {
        stack: this,
        email: emailSender({ sesIdentity: props.sesIdentity, sesFromAddress: props.sesFromAddress }),
        stripeSecret: this.stripeSecret,
        eventBus: this.eventBus,
        sellerEnvironment: sellerEnvironment(props.seller ?? {}),
        proofPhotos: this.proofPhotos.bucket,
      },
      environment: {
        TABLE_NAME: this.table.tableName,
        EVENT_BUS_NAME: this.eventBus.eventBusName,
        PUBLIC_BASE_URL: this.publicBaseUrl,
        STAGE: stage,
        ...(props.mapTiles ? { MAP_TILE_URL: props.mapTiles.url, ...(props.mapTiles.attribution ? { MAP_TILE_ATTRIBUTION: props.mapTiles.attribution } : {}) } : {}),
        POWERTOOLS_SERVICE_NAME: 'delivery-hub',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // No `NODE_OPTIONS=--enable-source-maps`: it parses the source map in every cold start (7–9 ms
        // measured by the benchmark). Stacks are mapped when read instead (`LAMBDA_STACK_TRACES_MODULE`).
      },
    });

    const http = new HttpRoutes(this, 'Routes', { gateway, functions, routes });
    this.routeFunctions = http.routeFunctions;
    this.groupFunctions = http.groupFunctions;
    this.fallbackFunction = http.groupFunctions[FALLBACK_GROUP];
    this.routeThrottles = http.routeThrottles;

    const consumers = new EventConsumers(this, 'Consumers', { stage, bus: this.eventBus, rules: eventRules, functions });
    this.consumerFunctions = consumers.functions;
    this.deadLetterQueues = consumers.deadLetterQueues;

    const jobs = new ScheduledJobs(this, 'Schedules', { stage, schedules, functions });
    this.scheduledFunctions = jobs.functions;

    const relay = new OutboxRelay(this, 'Relay', { stage, table: this.table, bus: this.eventBus, relay: outboxRelay, functions });
    this.outboxRelayFunction = relay.function;
    this.outboxRelayDeadLetterQueue = relay.deadLetterQueue;

    this.executionRoles = new Map<string, IRole>([...functions.executionRoles, [OUTBOX_RELAY_PROFILE, this.outboxRelayFunction.role!]]);
    this.proofPhotos.acknowledgeObjectGrants(this.executionRoles);

    // Alarms and the dashboard, from everything made above.
    this.observability = new Observability(this, 'Observability', {
      stage,
      api: this.api,
      table: this.table,
      functionGroups: [
        { id: 'Api', label: 'API routes', functions: Object.values<IFunction>(this.groupFunctions) },
        { id: 'Consumers', label: 'Event consumers', functions: Object.values(this.consumerFunctions) },
        { id: 'Relay', label: 'Outbox relay', functions: [this.outboxRelayFunction] },
        { id: 'Schedules', label: 'Scheduled handlers', functions: Object.values(this.scheduledFunctions) },
      ].filter((group) => group.functions.length > 0),
      scheduledFunctions: this.scheduledFunctions,
      watchedRoutes: http.watchedRoutes,
      // Every queue of the stack is a dead-letter queue (rules, schedules, the relay), each with a depth alarm.
      deadLetterQueues: new Map<string, Queue>([
        ...Object.entries(consumers.deadLetterQueues).map(([name, queue]) => [pascalCase(name), queue] as [string, Queue]),
        ...Object.entries(jobs.deadLetterQueues).map(([name, queue]) => [`${pascalCase(name)}Schedule`, queue] as [string, Queue]),
        [pascalCase(outboxRelay.name), relay.deadLetterQueue],
      ]),
      alarmEmail: props.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: gateway.stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'PublicBaseUrl', { value: this.publicBaseUrl, description: 'Where tracking, sign-in and integration links point' });
    new CfnOutput(this, 'DistributionUrl', { value: this.webApp.url, description: 'The CloudFront distribution: the web app under /app/, the API under /v1, /track, /health' });
    new CfnOutput(this, 'WebAppUrl', { value: `${this.webApp.url}/app/`, description: 'The web app' });
    new CfnOutput(this, 'WebAppBucketName', { value: this.webApp.bucket.bucketName, description: "The web app's files (uploaded by the deployment, read by CloudFront only)" });
    if (gateway.customDomain) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: gateway.customDomain.regionalDomainName,
        description: `DNS: point ${props.customDomain?.domainName} here (CNAME, or an alias record with the hosted zone below)`,
      });
      new CfnOutput(this, 'CustomDomainHostedZoneId', { value: gateway.customDomain.regionalHostedZoneId });
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

  /**
   * Resources keep the logical ID their path gives them without the layers (`StackLayer`): the
   * parts of the stack group its resources for reading, and a deployed stack updates in place.
   */
  protected override allocateLogicalId(element: CfnElement): string {
    return logicalIdWithoutLayers(this, element);
  }
}
