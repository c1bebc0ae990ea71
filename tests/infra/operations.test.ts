import { describe, expect, it } from 'vitest';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createApp } from '../../infra/app.js';
import { emailSender, needsOf } from '../../infra/capabilities.js';
import { alarmThresholds } from '../../infra/constructs/observability.js';
import { routesWithoutData } from '../../infra/stack.js';
import { publicDataThrottle, routeThrottle, stageThrottle } from '../../infra/throttling.js';
import type { Capability } from '../../shared/capabilities.js';
import { eventRules } from '../../shared/app/rules.js';
import { routeKey, type RouteDefinition } from '../../shared/http/route.js';
import { routes, type RouteName } from '../../shared/app/routes.js';
import { METRIC_NAMESPACE, metricNames } from '../../shared/observability/metrics.js';
import { schedules } from '../../shared/app/schedules.js';
import { asList, synth, testContext, type Resource, type Synthesized } from './template-helpers.js';

// Three stages: dev with no options, prod with every option, and staging with a sender only.
const dev = synth();
const prod = synth({
  stage: 'prod',
  alarmEmail: 'ops@coop.example',
  sesIdentity: 'coop.example',
  domainName: 'api.coop.example',
  certificateArn: 'arn:aws:acm:eu-west-3:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-000000000000',
});

const routeEntries = Object.entries(routes) as [RouteName, RouteDefinition][];

/** Each function built from a definition, with the capabilities that definition needs. */
function definedFunctions(s: Synthesized): { name: string; fn: IFunction; needs: Capability[] }[] {
  return [
    ...routeEntries.map(([name, route]) => ({ name: `route ${name}`, fn: s.stack.routeFunctions[name] as IFunction, needs: needsOf(route) })),
    ...eventRules.map((rule) => ({ name: `rule ${rule.name}`, fn: s.stack.consumerFunctions[rule.name]!, needs: needsOf(rule.target) })),
    ...schedules.map((schedule) => ({ name: `schedule ${schedule.name}`, fn: s.stack.scheduledFunctions[schedule.name]!, needs: needsOf(schedule) })),
    // Built from no definition with needs: they need nothing.
    { name: 'fallback', fn: s.stack.fallbackFunction, needs: [] },
    { name: 'outbox relay', fn: s.stack.outboxRelayFunction, needs: [] },
  ];
}

function alarmsOf(s: Synthesized): Record<string, Resource> {
  return Object.fromEntries(Object.values(s.resourcesOf('AWS::CloudWatch::Alarm')).map((alarm) => [alarm.Properties.AlarmName as string, alarm]));
}

function alarm(s: Synthesized, shortName: string): Resource {
  const stage = s.stack.stackName.replace(/^DeliveryHub-/, '');
  const found = alarmsOf(s)[`DeliveryHub-${stage}-${shortName}`];
  if (!found) throw new Error(`no alarm ${shortName}`);
  return found;
}

/** The metric stats an alarm reads (its single metric, or the metrics of its expression). */
function metricsOf(alarmResource: Resource): { namespace: string; name: string; dimensions: unknown; stat: string; period: number }[] {
  const p = alarmResource.Properties;
  if (p.MetricName) return [{ namespace: p.Namespace, name: p.MetricName, dimensions: p.Dimensions, stat: p.Statistic ?? p.ExtendedStatistic, period: p.Period }];
  return (p.Metrics as { MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown }; Stat: string; Period: number } }[])
    .filter((m) => m.MetricStat)
    .map((m) => ({ namespace: m.MetricStat!.Metric.Namespace, name: m.MetricStat!.Metric.MetricName, dimensions: m.MetricStat!.Metric.Dimensions, stat: m.MetricStat!.Stat, period: m.MetricStat!.Period }));
}

function expressionOf(alarmResource: Resource): string {
  return (alarmResource.Properties.Metrics as { Expression?: string; ReturnData?: boolean }[]).find((m) => m.ReturnData !== false && m.Expression)!.Expression!;
}

describe('capabilities: a function gets SES or Secrets Manager access iff its definition needs it', () => {
  for (const [stageName, s, sesConfigured] of [
    ['dev (no SES identity)', dev, false],
    ['prod (-c sesIdentity=coop.example)', prod, true],
  ] as const) {
    it(`${stageName}: SendEmail, GetSecretValue, PutEvents and their environment follow each definition's needs`, () => {
      const secretArn = { Ref: s.logicalId(s.stack.stripeSecret) };
      for (const { name, fn, needs } of definedFunctions(s)) {
        const actions = s.actionsOf(fn);
        const environment = s.environmentOf(fn);
        const wantsEmail = needs.includes('sendEmail');
        expect(actions.includes('ses:SendEmail'), name).toBe(wantsEmail && sesConfigured);
        expect(actions.filter((action) => action.startsWith('ses:')).length, name).toBe(wantsEmail && sesConfigured ? 1 : 0);
        expect(environment.NOTIFIER, name).toBe(wantsEmail ? (sesConfigured ? 'ses' : 'outbox') : undefined);
        expect(environment.SES_FROM_ADDRESS, name).toBe(wantsEmail && sesConfigured ? 'no-reply@coop.example' : undefined);

        const wantsSecrets = needs.includes('stripeSecrets');
        expect(actions.filter((action) => action.startsWith('secretsmanager:')), name).toEqual(wantsSecrets ? ['secretsmanager:GetSecretValue'] : []);
        expect(environment.STRIPE_SECRET_ARN, name).toEqual(wantsSecrets ? secretArn : undefined);
        if (wantsSecrets) expect(s.statementsOf(fn), name).toContainEqual({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn });
      }
    });
  }

  it('grants SendEmail on the configured identity alone', () => {
    const statements = Object.values(prod.resourcesOf('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const ses = statements.filter((statement) => asList(statement.Action).some((action) => action.startsWith('ses:')));
    for (const statement of ses) {
      expect(statement.Action).toBe('ses:SendEmail');
      expect(asList(statement.Resource)).toHaveLength(1);
      expect(JSON.stringify(statement.Resource)).toMatch(/:ses:eu-west-3:".*:identity\/coop\.example"/);
    }
  });

  it('creates the Stripe secret empty, from a JSON template, retained on delete', () => {
    for (const [s, stage] of [
      [dev, 'dev'],
      [prod, 'prod'],
    ] as const) {
      const secrets = Object.values(s.resourcesOf('AWS::SecretsManager::Secret'));
      expect(secrets).toHaveLength(1);
      expect(secrets[0]!.Properties).toMatchObject({ Name: `delivery-hub/${stage}/stripe` });
      expect(JSON.parse(secrets[0]!.Properties.SecretString as string)).toEqual({ secretKey: '', webhookSecret: '' });
      expect(secrets[0]!.DeletionPolicy).toBe('Retain');
      expect(secrets[0]!.UpdateReplacePolicy).toBe('Retain');
    }
    // No rotation function: Stripe keys are rolled in Stripe.
    dev.template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });

  it('resolves the sender from sesIdentity and/or sesFromAddress, and refuses an address outside the identity', () => {
    expect(emailSender({})).toBeUndefined();
    expect(emailSender({ sesIdentity: 'coop.example' })).toEqual({ fromAddress: 'no-reply@coop.example', identities: ['coop.example'] });
    expect(emailSender({ sesIdentity: 'suivi@coop.example' })).toEqual({ fromAddress: 'suivi@coop.example', identities: ['suivi@coop.example'] });
    expect(emailSender({ sesFromAddress: 'Coop <suivi@coop.example>' })).toEqual({ fromAddress: 'Coop <suivi@coop.example>', identities: ['suivi@coop.example', 'coop.example'] });
    expect(emailSender({ sesIdentity: 'coop.example', sesFromAddress: 'Coop <suivi@mail.coop.example>' })).toEqual({
      fromAddress: 'Coop <suivi@mail.coop.example>',
      identities: ['coop.example'],
    });
    expect(() => emailSender({ sesIdentity: 'coop.example', sesFromAddress: 'suivi@elsewhere.example' })).toThrow('is not an address of the SES identity');
    expect(() => emailSender({ sesIdentity: 'a@coop.example', sesFromAddress: 'b@coop.example' })).toThrow('is not an address of the SES identity');
  });
});

describe('API Gateway throttling follows the route table', () => {
  const stageOf = (s: Synthesized) => Object.values(s.resourcesOf('AWS::ApiGatewayV2::Stage'))[0]!;

  it('sets every route key, and $default, to its throttle: its own, lower for public routes that read data, the stage default otherwise', () => {
    const settings = stageOf(dev).Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    const expected: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number; DetailedMetricsEnabled?: true }> = { $default: { ThrottlingRateLimit: stageThrottle.rateLimit, ThrottlingBurstLimit: stageThrottle.burstLimit } };
    for (const [name, route] of routeEntries) {
      const throttle = route.throttle ?? (route.roles === 'public' && !routesWithoutData.has(name) ? publicDataThrottle : stageThrottle);
      expected[routeKey(route)] = { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit, ...(route.watched ? { DetailedMetricsEnabled: true } : {}) };
      expect(routeThrottle(route, !routesWithoutData.has(name)), name).toEqual(throttle);
    }
    expect(settings).toEqual(expected);
    expect(stageOf(dev).Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: stageThrottle.rateLimit, ThrottlingBurstLimit: stageThrottle.burstLimit });
  });

  it('keeps public routes that read data below the stage default, and the data-free health check at it', () => {
    expect(publicDataThrottle.rateLimit).toBeLessThan(stageThrottle.rateLimit);
    expect(publicDataThrottle.burstLimit).toBeLessThan(stageThrottle.burstLimit);
    const settings = stageOf(dev).Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number }>;
    expect(settings[routeKey(routes.health)]!.ThrottlingRateLimit).toBe(stageThrottle.rateLimit);
    const publicDataRoutes = routeEntries.filter(([name, route]) => route.roles === 'public' && !routesWithoutData.has(name) && !route.throttle);
    for (const [name, route] of publicDataRoutes) expect(settings[routeKey(route)]!.ThrottlingRateLimit, name).toBe(publicDataThrottle.rateLimit);
  });

  it('creates the stage after the routes its settings name', () => {
    const [stageId] = Object.keys(dev.resourcesOf('AWS::ApiGatewayV2::Stage'));
    const dependsOn = new Set(dev.resource(stageId!).DependsOn ?? []);
    for (const routeId of Object.keys(dev.resourcesOf('AWS::ApiGatewayV2::Route'))) expect(dependsOn.has(routeId), routeId).toBe(true);
  });
});

describe('alarms', () => {
  const topicArn = (s: Synthesized) => ({ Ref: s.logicalId(s.stack.observability.topic) });

  it('notify the stage alarm topic, encrypted with a rotated key CloudWatch may use, over TLS only', () => {
    for (const [s, stage] of [
      [dev, 'dev'],
      [prod, 'prod'],
    ] as const) {
      s.template.hasResourceProperties('AWS::SNS::Topic', { TopicName: `delivery-hub-${stage}-alarms` });
      const topic = s.resource(s.logicalId(s.stack.observability.topic));
      const keyId = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(s.resource(keyId).Properties.EnableKeyRotation).toBe(true);
      const keyStatements = s.resource(keyId).Properties.KeyPolicy.Statement as { Principal: unknown; Action: string[] }[];
      expect(keyStatements).toContainEqual(expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }));
      const topicStatements = Object.values(s.resourcesOf('AWS::SNS::TopicPolicy')).flatMap((p) => p.Properties.PolicyDocument.Statement as { Effect: string; Principal: unknown; Action: string; Condition?: unknown }[]);
      expect(topicStatements).toContainEqual(expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }));
      expect(topicStatements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      for (const [name, found] of Object.entries(alarmsOf(s))) {
        expect(name.startsWith(`DeliveryHub-${stage}-`), name).toBe(true);
        expect(found.Properties.AlarmActions, name).toEqual([topicArn(s)]);
        expect(found.Properties.OKActions, name).toEqual([topicArn(s)]);
        expect(found.Properties.TreatMissingData, name).toBe('notBreaching');
      }
    }
  });

  it('e-mail the -c alarmEmail address when given, and nobody otherwise', () => {
    dev.template.resourceCountIs('AWS::SNS::Subscription', 0);
    prod.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@coop.example', TopicArn: topicArn(prod) });
  });

  it('watch the HTTP API: 5xx above 1 % of requests over 5 minutes, p99 latency above 2 s', () => {
    const rate = alarm(dev, 'Api5xxRate');
    expect(rate.Properties).toMatchObject({ Threshold: alarmThresholds.api5xxRatePercent, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
    expect(alarmThresholds.api5xxRatePercent).toBe(1);
    expect(expressionOf(rate)).toBe('IF(requests > 0, 100 * errors / requests, 0)');
    const apiDimension = [{ Name: 'ApiId', Value: { Ref: dev.logicalId(dev.stack.api) } }];
    expect(metricsOf(rate).map(({ name, stat, period, dimensions }) => ({ name, stat, period, dimensions })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: '5xx', stat: 'Sum', period: 300, dimensions: apiDimension },
      { name: 'Count', stat: 'Sum', period: 300, dimensions: apiDimension },
    ]);

    const latency = alarm(dev, 'ApiLatencyP99');
    expect(latency.Properties).toMatchObject({ Threshold: 2000, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(metricsOf(latency)).toEqual([{ namespace: 'AWS/ApiGateway', name: 'Latency', stat: 'p99', period: 300, dimensions: apiDimension }]);
  });

  it("watch each watched route's own 5xx rate, from detailed metrics turned on for those routes alone", () => {
    const watchedRoutes = routeEntries.filter(([, route]) => route.watched);
    expect(watchedRoutes.map(([name]) => name)).toEqual(expect.arrayContaining(['createDelivery', 'courierEvent', 'getTracking', 'inboundOrder', 'stripeWebhook']));
    const routeAlarms = Object.keys(alarmsOf(dev)).filter((name) => name.startsWith('DeliveryHub-dev-Route5xxRate-'));
    expect(routeAlarms).toHaveLength(watchedRoutes.length);
    for (const [name, route] of watchedRoutes) {
      const found = alarm(dev, `Route5xxRate-${name.charAt(0).toUpperCase()}${name.slice(1)}`);
      expect(found.Properties, name).toMatchObject({ Threshold: alarmThresholds.api5xxRatePercent, ComparisonOperator: 'GreaterThanThreshold' });
      expect(expressionOf(found)).toBe('IF(requests > 0, 100 * errors / requests, 0)');
      const dimensions = [
        { Name: 'ApiId', Value: { Ref: dev.logicalId(dev.stack.api) } },
        { Name: 'Route', Value: routeKey(route) },
        { Name: 'Stage', Value: '$default' },
      ];
      const sorted = (d: unknown) => [...(d as { Name: string }[])].sort((a, b) => a.Name.localeCompare(b.Name));
      expect(metricsOf(found).map(({ namespace, name: metric, stat, dimensions: d }) => ({ namespace, metric, stat, d: sorted(d) })).sort((a, b) => a.metric.localeCompare(b.metric)), name).toEqual([
        { namespace: 'AWS/ApiGateway', metric: '5xx', stat: 'Sum', d: dimensions },
        { namespace: 'AWS/ApiGateway', metric: 'Count', stat: 'Sum', d: dimensions },
      ]);
    }
    const settings = Object.values(dev.resourcesOf('AWS::ApiGatewayV2::Stage'))[0]!.Properties.RouteSettings as Record<string, { DetailedMetricsEnabled?: boolean }>;
    const detailed = Object.entries(settings).filter(([, setting]) => setting.DetailedMetricsEnabled).map(([key]) => key).sort();
    expect(detailed).toEqual(watchedRoutes.map(([, route]) => routeKey(route)).sort());
  });

  it('watch every dead-letter queue of the stack (rules, relay, schedules): any message visible', () => {
    const queues = Object.keys(dev.resourcesOf('AWS::SQS::Queue'));
    expect(queues.length).toBe(eventRules.length + schedules.length + 1);
    const watched = Object.values(alarmsOf(dev))
      .filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((a) => {
        expect(a.Properties).toMatchObject({ Namespace: 'AWS/SQS', Statistic: 'Maximum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
        return (a.Properties.Dimensions as { Value: { 'Fn::GetAtt': [string, string] } }[])[0]!.Value['Fn::GetAtt'][0];
      });
    expect(watched.sort()).toEqual(queues.sort());
    for (const rule of eventRules) expect(watched).toContain(dev.logicalId(dev.stack.deadLetterQueues[rule.name]!));
    expect(watched).toContain(dev.logicalId(dev.stack.outboxRelayDeadLetterQueue));
  });

  it('watch the webhook failure rate: more than 20 % of attempts over 15 minutes', () => {
    const rate = alarm(dev, 'WebhookFailureRate');
    expect(rate.Properties).toMatchObject({ Threshold: 20, ComparisonOperator: 'GreaterThanThreshold' });
    expect(expressionOf(rate)).toBe(`IF(attempts >= ${alarmThresholds.webhookMinimumAttempts}, 100 * failures / attempts, 0)`);
    expect(metricsOf(rate).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { namespace: METRIC_NAMESPACE, name: metricNames.WebhookAttempts, dimensions: [{ Name: 'stage', Value: 'dev' }], stat: 'Sum', period: 900 },
      { namespace: METRIC_NAMESPACE, name: metricNames.WebhookFailures, dimensions: [{ Name: 'stage', Value: 'dev' }], stat: 'Sum', period: 900 },
    ]);
  });

  it("watch every scheduled function's errors (the monthly billing run's among them), and the billing run's failure metric", () => {
    for (const schedule of schedules) {
      const pascal = schedule.name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
      const errors = alarm(dev, `ScheduleErrors-${pascal}`);
      expect(errors.Properties).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      expect(errors.Properties.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: dev.logicalId(dev.stack.scheduledFunctions[schedule.name]!) } }]);
    }
    const billing = alarm(dev, 'BillingRunFailures');
    expect(billing.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(metricsOf(billing)).toEqual([{ namespace: METRIC_NAMESPACE, name: metricNames.BillingRunFailures, dimensions: [{ Name: 'stage', Value: 'dev' }], stat: 'Sum', period: 300 }]);
  });

  it('watch Lambda throttles of every function, at most 10 metrics an alarm', () => {
    const throttleAlarms = Object.entries(alarmsOf(dev)).filter(([name]) => name.startsWith('DeliveryHub-dev-LambdaThrottles-'));
    const covered = throttleAlarms.flatMap(([name, a]) => {
      const metrics = metricsOf(a);
      expect(metrics.length, name).toBeLessThanOrEqual(10);
      expect(a.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      expect(expressionOf(a), name).toMatch(/^SUM\(\[/);
      return metrics.map((metric) => {
        expect(metric.name).toBe('Throttles');
        return (metric.dimensions as { Value: { Ref: string } }[])[0]!.Value.Ref;
      });
    });
    expect(covered.sort()).toEqual(Object.keys(dev.resourcesOf('AWS::Lambda::Function')).sort());
  });

  it('watch DynamoDB throttled requests and system errors on the table', () => {
    for (const [name, metric] of [
      ['DynamoDbThrottles', 'ThrottledRequests'],
      ['DynamoDbSystemErrors', 'SystemErrors'],
    ] as const) {
      const found = alarm(dev, name);
      expect(found.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      const metrics = metricsOf(found);
      expect(metrics.length).toBeGreaterThan(0);
      expect(metrics.length).toBeLessThanOrEqual(10);
      for (const m of metrics) {
        expect(m.name).toBe(metric);
        expect(m.dimensions).toContainEqual({ Name: 'TableName', Value: { Ref: dev.logicalId(dev.stack.table) } });
      }
    }
  });
});

describe('the dashboard', () => {
  it('is DeliveryHub-<stage>, with the API, the business metrics, the DLQs, Lambda by group and DynamoDB', () => {
    for (const [s, stage] of [
      [dev, 'dev'],
      [prod, 'prod'],
    ] as const) {
      const dashboards = Object.values(s.resourcesOf('AWS::CloudWatch::Dashboard'));
      expect(dashboards).toHaveLength(1);
      expect(dashboards[0]!.Properties.DashboardName).toBe(`DeliveryHub-${stage}`);
      const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
      for (const title of [
        'API requests',
        'API errors',
        'API latency',
        'Deliveries booked',
        'Webhook attempts and failures',
        'Billing lines',
        'Dead-letter queues',
        'Lambda errors by group',
        'Lambda duration p99 by group',
        'DynamoDB consumed capacity',
        'DynamoDB throttled requests',
      ]) {
        expect(body, title).toContain(title);
      }
      for (const name of Object.values(metricNames)) expect(body, name).toContain(`\\"${name}\\"`);
      for (const queueId of Object.keys(s.resourcesOf('AWS::SQS::Queue'))) expect(body, queueId).toContain(queueId);
    }
  });
});

describe('stages: prod differs from dev', () => {
  const retentions = (s: Synthesized) => Object.values(s.resourcesOf('AWS::Logs::LogGroup')).map((group) => group.Properties.RetentionInDays as number);

  it('keeps logs a year in prod, a month elsewhere (function logs and API access logs)', () => {
    expect(new Set(retentions(dev))).toEqual(new Set([30]));
    expect(new Set(retentions(prod))).toEqual(new Set([365]));
  });

  it('names everything after the stage and protects the table from deletion in prod only', () => {
    prod.template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    prod.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'delivery-hub-prod' });
    for (const [name, fn] of prod.allFunctions()) expect(prod.environmentOf(fn).STAGE, name).toBe('prod');
  });

  it('serves prod on its custom domain: a regional domain name, the API mapping, and links that start with it', () => {
    const domains = Object.entries(prod.resourcesOf('AWS::ApiGatewayV2::DomainName'));
    expect(domains).toHaveLength(1);
    const [domainId, domain] = domains[0]!;
    expect(domain.Properties).toEqual({
      DomainName: 'api.coop.example',
      DomainNameConfigurations: [{ EndpointType: 'REGIONAL', CertificateArn: 'arn:aws:acm:eu-west-3:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-000000000000' }],
    });
    const mappings = Object.values(prod.resourcesOf('AWS::ApiGatewayV2::ApiMapping'));
    expect(mappings.map((mapping) => mapping.Properties)).toEqual([{ ApiId: { Ref: prod.logicalId(prod.stack.api) }, DomainName: { Ref: domainId }, Stage: '$default' }]);
    // The stage by name: the mapping waits for it.
    expect(mappings[0]!.DependsOn).toContain(Object.keys(prod.resourcesOf('AWS::ApiGatewayV2::Stage'))[0]);
    for (const [name, fn] of prod.allFunctions()) expect(prod.environmentOf(fn).PUBLIC_BASE_URL, name).toBe('https://api.coop.example');
    expect(prod.json.Outputs.PublicBaseUrl!.Value).toBe('https://api.coop.example');
    expect(Object.keys(prod.json.Outputs)).toEqual(expect.arrayContaining(['CustomDomainTarget', 'CustomDomainHostedZoneId']));
    dev.template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    // Without a custom domain, links start with the distribution that serves the web app and the API.
    for (const [name, fn] of dev.allFunctions()) {
      expect(dev.environmentOf(fn).PUBLIC_BASE_URL, name).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [dev.logicalId(dev.stack.webApp.distribution), 'DomainName'] }]] });
    }
  });

  it('refuses a custom domain without its certificate', () => {
    expect(() => createApp({ context: { ...testContext, domainName: 'api.coop.example' } })).toThrow('certificateArn');
  });

  it('passes cdk-nag with every option on', () => {
    const report = new AwsSolutionsChecks().validateScope(prod.app);
    const findings = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings, findings.join('\n')).toEqual([]);
  });
});
