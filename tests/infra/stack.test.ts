import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it, expect } from 'vitest';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT } from 'aws-cdk-lib/cx-api';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { createApp } from '../../infra/app.js';
import { lambdaEntries, projectRoot } from '../../infra/bundling.js';
import { needsOf } from '../../infra/capabilities.js';
import { routesWithoutData, tableDataActions } from '../../infra/stack.js';
import { EVENT_SOURCE } from '../../shared/config.js';
import { tableDefinition } from '../../shared/db/table-definition.js';
import { schedules } from '../../shared/app/schedules.js';
import { eventRules, outboxRelay } from '../../shared/app/rules.js';
import { FALLBACK_GROUP, functionGroupOf, functionGroups } from '../../shared/http/function-groups.js';
import { routeKey, type RouteDefinition } from '../../shared/http/route.js';
import { fallbackRoute, routes, type RouteName } from '../../shared/app/routes.js';

// Bundling skipped: the template is the same, without running esbuild for every function.
// A cdk-nag finding would make synthesis throw here and hide every test; the cdk-nag tests below
// read the same findings from the validation report instead, so the other tests still run.
// The web app's files are not uploaded (whether web/dist exists on this machine must not change
// the template): tests/infra/web-app.test.ts synthesizes with a fixture build.
const testContext = { 'aws:cdk:bundling-stacks': [], [FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT]: false, webAppDist: false };
const { app, stack } = createApp({ context: testContext });
const template = Template.fromStack(stack);

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const routeEntries = Object.entries(routes) as [RouteName, RouteDefinition][];

function logicalId(construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function resourcesOf(type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

function resource(id: string): Resource {
  const found = template.toJSON().Resources[id] as Resource | undefined;
  if (!found) throw new Error(`no resource ${id}`);
  return found;
}

function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** Every statement of every policy attached to the function's role. */
function statementsOf(fn: IFunction): Statement[] {
  const roleId = logicalId(fn.role!);
  return Object.values(resourcesOf('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

function actionsOf(fn: IFunction): string[] {
  return statementsOf(fn).flatMap((statement) => asList(statement.Action));
}

const tableArn = { 'Fn::GetAtt': [logicalId(stack.table), 'Arn'] };
const streamArn = { 'Fn::GetAtt': [logicalId(stack.table), 'StreamArn'] };
const busArn = { 'Fn::GetAtt': [logicalId(stack.eventBus), 'Arn'] };
const functionArn = (fn: IFunction) => ({ 'Fn::GetAtt': [logicalId(fn), 'Arn'] });
const relayQueueArn = { 'Fn::GetAtt': [logicalId(stack.outboxRelayDeadLetterQueue), 'Arn'] };

/** Reading a table stream: the only DynamoDB actions the outbox relay may have. */
const streamReadActions = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];

describe('the table follows shared/db/table-definition.ts', () => {
  const [tableId, table] = Object.entries(resourcesOf('AWS::DynamoDB::Table'))[0]!;

  it('is the only table, with the definition keys, all strings', () => {
    expect(Object.keys(resourcesOf('AWS::DynamoDB::Table'))).toEqual([tableId]);
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
    ]);
    const attributes = table.Properties.AttributeDefinitions as { AttributeName: string; AttributeType: string }[];
    expect(attributes.map((a) => a.AttributeName).sort()).toEqual([...tableDefinition.keyAttributes].sort());
    expect(new Set(attributes.map((a) => a.AttributeType))).toEqual(new Set(['S']));
  });

  it('has every global secondary index of the definition, projecting all attributes', () => {
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(
      tableDefinition.globalSecondaryIndexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
  });

  it('bills per request, expires items by TTL, keeps point-in-time recovery and AWS-managed encryption', () => {
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(table.Properties.SSESpecification.KMSMasterKeyId).toBeUndefined();
  });

  it("streams the definition's view type (what the outbox relay reads)", () => {
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: tableDefinition.streamViewType });
  });

  it('survives the stack: retained on delete and replace, deletion-protected only in prod', () => {
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties.DeletionProtectionEnabled).toBe(false);

    const prod = createApp({ context: { ...testContext, stage: 'prod' } }).stack;
    expect(prod.stackName).toBe('DeliveryHub-prod');
    Template.fromStack(prod).hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });
});

describe('the functions', () => {
  const functions = resourcesOf('AWS::Lambda::Function');

  it('are one per function group of the routes, one per event rule, one per schedule and the outbox relay', () => {
    const groups = new Set(routeEntries.map(([, route]) => functionGroupOf(route)));
    expect(groups.size).toBeGreaterThanOrEqual(3);
    expect(Object.keys(functions)).toHaveLength(groups.size + eventRules.length + schedules.length + 1);
    expect(Object.keys(stack.routeFunctions).sort()).toEqual(Object.keys(routes).sort());
    expect(Object.keys(stack.groupFunctions).sort()).toEqual([...groups].sort());
  });

  it('run nodejs22.x on arm64 with active tracing, a log group kept a month, and the shared environment', () => {
    for (const [id, fn] of Object.entries(functions)) {
      expect(fn.Properties, id).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
      expect(resource(logGroupId).Properties.RetentionInDays, id).toBe(30);
      expect(fn.Properties.Environment.Variables, id).toMatchObject({
        TABLE_NAME: { Ref: logicalId(stack.table) },
        EVENT_BUS_NAME: { Ref: logicalId(stack.eventBus) },
        // Links start with the distribution that serves the web app and the API (tests/infra/web-app.test.ts).
        PUBLIC_BASE_URL: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.webApp.distribution), 'DomainName'] }]] },
        STAGE: 'dev',
        POWERTOOLS_SERVICE_NAME: 'delivery-hub',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
    }
  });

  it("run each route in its group's function, whose router bundles the route's handler module, with the group's memory and timeout", () => {
    const routerOf = (group: string) => readFileSync(lambdaEntries().find((entry) => entry.group === group)!.entry, 'utf8');
    for (const [name, route] of routeEntries) {
      const group = functionGroupOf(route);
      const fn = resource(logicalId(stack.routeFunctions[name]));
      expect(stack.routeFunctions[name], name).toBe(stack.groupFunctions[group]);
      expect(fn.Properties.MemorySize, name).toBe(functionGroups[group].memoryMb);
      expect(fn.Properties.Timeout, name).toBe(functionGroups[group].timeoutSeconds);
      const router = routerOf(group);
      expect(router, name).toContain(JSON.stringify(routeKey(route)));
      expect(router, name).toContain(JSON.stringify(resolve(projectRoot, route.handler)));
    }
    expect(stack.fallbackFunction).toBe(stack.groupFunctions[FALLBACK_GROUP]);
    expect(routerOf(FALLBACK_GROUP)).toContain(JSON.stringify(resolve(projectRoot, fallbackRoute.handler)));
    expect(resource(logicalId(stack.outboxRelayFunction)).Properties).toMatchObject({
      Description: `table stream ${outboxRelay.name} (${outboxRelay.handler})`,
      MemorySize: 512,
      Timeout: 10,
    });
  });
});

describe('the HTTP API', () => {
  const apiRoutes = Object.values(resourcesOf('AWS::ApiGatewayV2::Route'));
  const integrations = resourcesOf('AWS::ApiGatewayV2::Integration');

  /** The function a route key invokes, through its integration. */
  function targetOf(key: string): unknown {
    const matching = apiRoutes.filter((route) => route.Properties.RouteKey === key);
    expect(matching, key).toHaveLength(1);
    const target = matching[0]!.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
    const integration = integrations[target['Fn::Join'][1][1].Ref]!;
    expect(integration.Properties.IntegrationType).toBe('AWS_PROXY');
    return integration.Properties.IntegrationUri;
  }

  it("routes every entry of the route table to its own function, and nothing else", () => {
    for (const [name, route] of routeEntries) {
      expect(targetOf(routeKey(route)), name).toEqual(functionArn(stack.routeFunctions[name]));
    }
    expect(apiRoutes).toHaveLength(routeEntries.length + 1);
  });

  it('sends what no route matches ($default) to the fallback function', () => {
    expect(targetOf('$default')).toEqual(functionArn(stack.fallbackFunction));
  });

  it('has one integration per function and one invoke permission per function, whatever the number of routes', () => {
    expect(Object.keys(integrations)).toHaveLength(Object.keys(stack.groupFunctions).length);
    const permissions = Object.values(resourcesOf('AWS::Lambda::Permission')).filter((permission) => permission.Properties.Principal === 'apigateway.amazonaws.com');
    expect(permissions).toHaveLength(Object.keys(stack.groupFunctions).length);
    for (const permission of permissions) expect(JSON.stringify(permission.Properties.SourceArn)).toContain('/*/*');
  });

  it('serves a throttled $default stage with JSON access logs', () => {
    const stages = Object.values(resourcesOf('AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    const stage = stages[0]!.Properties;
    expect(stage).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 } });
    const format = JSON.parse(stage.AccessLogSettings.Format as string) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    // Nothing that names a person or carries a secret: no path (tracking tokens), IP or user agent.
    const logged = Object.values(format).join(' ');
    for (const variable of ['$context.path', '$context.identity.sourceIp', '$context.identity.userAgent', '$context.identity.caller', '$context.authorizer']) {
      expect(logged).not.toContain(variable);
    }
    const logGroupId = (stage.AccessLogSettings.DestinationArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resource(logGroupId).Properties.RetentionInDays).toBe(30);
  });
});

describe('the event bus', () => {
  it('is the stage bus, archiving every delivery-hub event for a year', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'delivery-hub-dev' });
    template.resourceCountIs('AWS::Events::Archive', 1);
    template.hasResourceProperties('AWS::Events::Archive', { SourceArn: busArn, EventPattern: { source: [EVENT_SOURCE] }, RetentionDays: 365 });
  });

  it('has one rule per event rule, with its pattern, consumer, retry policy and dead-letter queue', () => {
    const rules = Object.values(resourcesOf('AWS::Events::Rule'));
    expect(rules).toHaveLength(eventRules.length);
    for (const rule of eventRules) {
      const found = rules.filter((r) => r.Properties.Name === rule.name);
      expect(found, rule.name).toHaveLength(1);
      const properties = found[0]!.Properties;
      expect(properties.EventBusName).toEqual({ Ref: logicalId(stack.eventBus) });
      expect(properties.EventPattern).toEqual(rule.pattern);
      const queue = stack.deadLetterQueues[rule.name]!;
      expect(properties.Targets).toEqual([
        {
          Id: 'Target0',
          Arn: functionArn(stack.consumerFunctions[rule.name]!),
          RetryPolicy: { MaximumRetryAttempts: rule.target.retryAttempts, MaximumEventAgeInSeconds: rule.target.maximumEventAgeSeconds },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(queue), 'Arn'] } },
        },
      ]);
      const consumer = resource(logicalId(stack.consumerFunctions[rule.name]!));
      expect(consumer.Properties.Description).toBe(`event rule ${rule.name} (${rule.target.handler})`);
    }
  });

  it('keeps failed events 14 days in encrypted dead-letter queues reachable only over TLS', () => {
    const queues = [...eventRules.map((rule) => stack.deadLetterQueues[rule.name]!), stack.outboxRelayDeadLetterQueue];
    expect(new Set(queues).size).toBe(eventRules.length + 1);
    for (const queue of queues) {
      const queueId = logicalId(queue);
      expect(resource(queueId).Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
      const policies = Object.values(resourcesOf('AWS::SQS::QueuePolicy')).filter((policy) =>
        (policy.Properties.Queues as unknown[]).some((q) => JSON.stringify(q) === JSON.stringify({ Ref: queueId })),
      );
      const statements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
  });
});

describe('schedules', () => {
  it('invoke each scheduled handler with EventBridge Scheduler, its expression and time zone, retries and a DLQ', () => {
    const found = template.findResources('AWS::Scheduler::Schedule');
    expect(Object.keys(found)).toHaveLength(schedules.length);
    for (const schedule of schedules) {
      const fn = stack.scheduledFunctions[schedule.name];
      expect(fn, schedule.name).toBeDefined();
      const match = Object.values(found).find((candidate) => JSON.stringify(candidate.Properties.Target.Arn) === JSON.stringify({ 'Fn::GetAtt': [logicalId(fn as never), 'Arn'] }));
      expect(match, schedule.name).toBeDefined();
      expect(match?.Properties.ScheduleExpression).toBe(schedule.expression);
      if (schedule.timezone) expect(match?.Properties.ScheduleExpressionTimezone).toBe(schedule.timezone);
      expect(match?.Properties.Target.RetryPolicy).toEqual({
        MaximumRetryAttempts: schedule.retryPolicy?.maximumRetryAttempts ?? 2,
        MaximumEventAgeInSeconds: schedule.retryPolicy?.maximumEventAgeSeconds ?? 3600,
      });
      expect(match?.Properties.Target.DeadLetterConfig.Arn).toBeDefined();
    }
  });
});

describe('the outbox relay', () => {
  const mappings = Object.values(resourcesOf('AWS::Lambda::EventSourceMapping'));

  it("is the table stream's only consumer, through one event source mapping", () => {
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties).toMatchObject({
      FunctionName: { Ref: logicalId(stack.outboxRelayFunction) },
      EventSourceArn: streamArn,
      StartingPosition: 'TRIM_HORIZON',
    });
  });

  it('receives only new outbox items, with the filter of shared/events/rules.ts', () => {
    const filters = mappings[0]!.Properties.FilterCriteria.Filters as { Pattern: string }[];
    expect(filters).toEqual([{ Pattern: JSON.stringify(outboxRelay.filter) }]);
    expect(JSON.parse(filters[0]!.Pattern)).toEqual(outboxRelay.filter);
  });

  it('takes batches of the definition size, one at a time per shard, reporting the first record not published', () => {
    expect(mappings[0]!.Properties).toMatchObject({
      BatchSize: outboxRelay.batchSize,
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
    });
  });

  it('retries until records reach the maximum age, then leaves a record in its encrypted dead-letter queue', () => {
    expect(mappings[0]!.Properties).toMatchObject({
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: outboxRelay.maximumRecordAgeSeconds,
      DestinationConfig: { OnFailure: { Destination: relayQueueArn } },
    });
    expect(resource(logicalId(stack.outboxRelayDeadLetterQueue)).Properties).toMatchObject({
      QueueName: `delivery-hub-dev-${outboxRelay.name}-dlq`,
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
  });
});

describe('least privilege', () => {
  const dataResources = [tableArn, ...tableDefinition.globalSecondaryIndexes.map((index) => ({ 'Fn::Join': ['', [tableArn, `/index/${index.name}`]] }))];

  it('lists only public routes, health and openapi among them, as needing no data', () => {
    expect([...routesWithoutData].sort()).toEqual(['health', 'openapi']);
    for (const name of routesWithoutData) expect(routes[name].roles).toBe('public');
  });

  it('gives data-free routes and the fallback neither table nor bus access', () => {
    const dataFree = [...[...routesWithoutData].map((name) => stack.routeFunctions[name]), stack.fallbackFunction];
    for (const fn of dataFree) {
      expect(actionsOf(fn).filter((action) => /^(dynamodb|events):/.test(action)), fn.node.id).toEqual([]);
    }
  });

  it('gives every other route item-level table access (no scans, no stream)', () => {
    for (const [name] of routeEntries.filter(([name]) => !routesWithoutData.has(name))) {
      const statements = statementsOf(stack.routeFunctions[name]);
      expect(statements, name).toContainEqual({ Effect: 'Allow', Action: [...tableDataActions], Resource: dataResources });
      const dynamodbActions = actionsOf(stack.routeFunctions[name]).filter((action) => action.startsWith('dynamodb:'));
      expect(dynamodbActions.sort(), name).toEqual([...tableDataActions].sort());
    }
  });

  it('gives no route and not the fallback any bus access: they write outbox items, the relay publishes', () => {
    // Unless a route needs publishEvents (shared/capabilities.ts): then PutEvents on the stage bus alone.
    const publishers = routeEntries.filter(([, route]) => needsOf(route).includes('publishEvents')).map(([name]) => name);
    for (const name of publishers) expect(statementsOf(stack.routeFunctions[name]), name).toContainEqual({ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn });
    for (const fn of [...routeEntries.filter(([name]) => !publishers.includes(name)).map(([name]) => stack.routeFunctions[name]), stack.fallbackFunction]) {
      expect(actionsOf(fn).filter((action) => action.startsWith('events:')), fn.node.id).toEqual([]);
    }
  });

  it('gives the outbox relay PutEvents on the stage bus, read on the table stream, its dead-letter queue, and no table data', () => {
    const statements = statementsOf(stack.outboxRelayFunction);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: streamReadActions, Resource: streamArn });
    // ListStreams has no resource-level permissions; it lists stream ARNs, not items.
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'dynamodb:ListStreams', Resource: '*' });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], Resource: relayQueueArn });
    const actions = actionsOf(stack.outboxRelayFunction);
    expect(actions.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual([...streamReadActions, 'dynamodb:ListStreams'].sort());
    expect(actions.filter((action) => action.startsWith('events:'))).toEqual(['events:PutEvents']);
    expect(actions.filter((action) => !/^(dynamodb|events|sqs|xray):/.test(action))).toEqual([]);
  });

  it('leaves PutEvents to the outbox relay, and to the functions whose definitions need publishEvents', () => {
    const putters = Object.entries(resourcesOf('AWS::IAM::Policy'))
      .filter(([, policy]) => (policy.Properties.PolicyDocument.Statement as Statement[]).some((statement) => asList(statement.Action).includes('events:PutEvents')))
      .flatMap(([, policy]) => policy.Properties.Roles as unknown[]);
    const publishers = [
      ...routeEntries.filter(([, route]) => needsOf(route).includes('publishEvents')).map(([name]) => stack.routeFunctions[name]),
      ...eventRules.filter((rule) => needsOf(rule.target).includes('publishEvents')).map((rule) => stack.consumerFunctions[rule.name]!),
      ...schedules.filter((schedule) => needsOf(schedule).includes('publishEvents')).map((schedule) => stack.scheduledFunctions[schedule.name]!),
    ];
    const expected = [stack.outboxRelayFunction, ...publishers].map((fn) => ({ Ref: logicalId(fn.role!) }));
    expect(new Set(putters.map((role) => JSON.stringify(role)))).toEqual(new Set(expected.map((role) => JSON.stringify(role))));
  });

  it('gives consumers table access and no bus access (unless their rule needs publishEvents)', () => {
    for (const rule of eventRules) {
      const consumer = stack.consumerFunctions[rule.name]!;
      expect(statementsOf(consumer)).toContainEqual({ Effect: 'Allow', Action: [...tableDataActions], Resource: dataResources });
      const busActions = needsOf(rule.target).includes('publishEvents') ? ['events:PutEvents'] : [];
      expect(actionsOf(consumer).filter((action) => action.startsWith('events:')), rule.name).toEqual(busActions);
    }
  });

  it('has no wildcard action and no wildcard resource for data or events anywhere', () => {
    for (const [id, policy] of Object.entries(resourcesOf('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement as Statement[]) {
        const actions = asList(statement.Action);
        expect(actions.filter((action) => action === '*' || action.endsWith(':*')), id).toEqual([]);
        // dynamodb:ListStreams alone may have Resource "*" (no resource-level permissions; no data).
        if (actions.some((action) => /^(dynamodb|events|sqs):/.test(action)) && !(actions.length === 1 && actions[0] === 'dynamodb:ListStreams')) {
          expect(JSON.stringify(statement.Resource), id).not.toContain('*');
        }
      }
    }
  });
});

describe("recipients' e-mails", () => {
  const emailRules = eventRules.filter((rule) => rule.target.needs?.includes('sendEmail'));
  const sesStatements = (json: { Resources: Record<string, Resource> }) =>
    Object.values(json.Resources)
      .filter((candidate) => candidate.Type === 'AWS::IAM::Policy')
      .flatMap((policy) => (policy.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({ statement, roles: policy.Properties.Roles as unknown[] })))
      .filter(({ statement }) => asList(statement.Action).some((action) => action.startsWith('ses:')));

  it('stay in the table outbox without a sender: no SES permission anywhere', () => {
    expect(emailRules.map((rule) => rule.name).sort()).toEqual(['billing-notify', 'notify-recipient', 'standing-order-notify']);
    expect(sesStatements(template.toJSON() as never)).toEqual([]);
    for (const name of ['notify-recipient', 'billing-notify', 'standing-order-notify']) {
      const consumer = resource(logicalId(stack.consumerFunctions[name]!));
      expect(consumer.Properties.Environment.Variables.NOTIFIER ?? 'outbox').toBe('outbox');
    }
  });

  it('go through SES given -c sesFromAddress: SendEmail from that address or its domain, for the e-mail consumers only', () => {
    const withSes = createApp({ context: { ...testContext, sesFromAddress: 'Coopérative <suivi@coop.example>' } });
    const json = Template.fromStack(withSes.stack).toJSON() as { Resources: Record<string, Resource> };
    const found = sesStatements(json);
    expect(found.length).toBeGreaterThanOrEqual(1);
    const consumers = ['notify-recipient', 'billing-notify', 'standing-order-notify'].map((name) => withSes.stack.consumerFunctions[name]!);
    const allowed = consumers.map((consumer) => ({ Ref: withSes.stack.getLogicalId(consumer.role!.node.defaultChild as CfnElement) }));
    for (const { statement, roles } of found) {
      expect(statement.Action).toBe('ses:SendEmail');
      const resources = JSON.stringify(statement.Resource);
      expect(resources).toContain(':identity/suivi@coop.example');
      expect(resources).toContain(':identity/coop.example');
      expect(resources).not.toContain('*');
      for (const role of roles) expect(allowed).toContainEqual(role);
    }
    expect(new Set(found.flatMap(({ roles }) => (roles as Array<{ Ref: string }>).map((role) => role.Ref)))).toEqual(new Set(allowed.map((role) => role.Ref)));
    for (const consumer of consumers) {
      const environment = json.Resources[withSes.stack.getLogicalId(consumer.node.defaultChild as CfnElement)]!.Properties.Environment.Variables;
      expect(environment).toMatchObject({ NOTIFIER: 'ses', SES_FROM_ADDRESS: 'Coopérative <suivi@coop.example>' });
    }
    const report = new AwsSolutionsChecks().validateScope(withSes.app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});

describe('cdk-nag (AWS Solutions)', () => {
  // Template.fromStack already synthesized the app, so the validation plugins have run.
  const assembly = app.synth();

  it('leaves no unacknowledged error or warning', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings, findings.join('\n')).toEqual([]);
  });

  it('passes the validation run by synthesis (the path `cdk synth` takes)', () => {
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[] }[];
    };
    const findings = report.pluginReports.flatMap((plugin) =>
      plugin.violations.map((v) => `${plugin.pluginName} ${v.severity} ${v.ruleName}: ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`),
    );
    expect(findings, findings.join('\n')).toEqual([]);
  });

  it("outputs the API, distribution, web app and public URLs, the web app's bucket, the table and bus names, the outbox relay's dead-letter queue URL, the Stripe secret, the alarm topic and the dashboard", () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual([
      'AlarmTopicArn',
      'ApiUrl',
      'DashboardName',
      'DistributionUrl',
      'EventBusName',
      'OutboxRelayDlqUrl',
      'PublicBaseUrl',
      'StripeSecretName',
      'TableName',
      'WebAppBucketName',
      'WebAppUrl',
    ]);
    const distributionUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.webApp.distribution), 'DomainName'] }]] };
    expect(outputs.PublicBaseUrl!.Value).toEqual(distributionUrl);
    expect(outputs.DistributionUrl!.Value).toEqual(distributionUrl);
    expect(outputs.WebAppUrl!.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.webApp.distribution), 'DomainName'] }, '/app/']] });
    expect(outputs.StripeSecretName!.Value).toBe('delivery-hub/dev/stripe');
    expect(outputs.OutboxRelayDlqUrl!.Value).toEqual({ Ref: logicalId(stack.outboxRelayDeadLetterQueue) });
  });
});

describe('event consumers', () => {
  it('run with their rule\'s timeout when it sets one, the default otherwise', () => {
    for (const rule of eventRules) {
      const fn = stack.consumerFunctions[rule.name];
      expect(fn, rule.name).toBeDefined();
      const timeout = resource(logicalId(fn as IConstruct)).Properties.Timeout;
      expect(timeout, rule.name).toBe(rule.target.timeoutSeconds ?? 10);
    }
    expect(eventRules.some((rule) => rule.target.timeoutSeconds !== undefined)).toBe(true);
  });
});
