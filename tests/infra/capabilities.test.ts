import { describe, expect, it, vi } from 'vitest';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { capabilityGrant, needsOf } from '../../infra/capabilities.js';
import { capabilities, configurationOnly, type Capability } from '../../shared/capabilities.js';
import { eventRules } from '../../shared/app/rules.js';
import { routeKey, type RouteDefinition } from '../../shared/http/route.js';
import { routes } from '../../shared/app/routes.js';
import { schedules } from '../../shared/app/schedules.js';
import { asList, synth } from './template-helpers.js';
import { functionGroupOf } from '../../shared/http/function-groups.js';

/**
 * Test-only definitions, added to the real route table, event rules and schedules (the shared
 * modules are mocked with their real content plus these), so the stack's mapping of every
 * capability is exercised whatever the real definitions need today.
 */
const fixtures = vi.hoisted(() => ({
  route: {
    method: 'POST',
    path: '/test/capability-fixture',
    roles: ['admin'],
    handler: 'functions/system/health.ts',
    summary: 'Test-only route.',
    tag: 'Test',
    responses: { 200: { description: 'ok' } },
    needs: ['stripeSecrets', 'publishEvents'],
    throttle: { rateLimit: 5, burstLimit: 10 },
  },
  rule: {
    name: 'capability-fixture',
    description: 'Test-only rule.',
    pattern: { source: ['delivery-hub'], 'detail-type': ['test.fixture'] },
    target: { handler: 'functions/consumers/audit-trail.ts', retryAttempts: 3, maximumEventAgeSeconds: 600, needs: ['stripeSecrets'] },
  },
  schedule: {
    name: 'capability-fixture',
    description: 'Test-only schedule.',
    expression: 'cron(0 2 1 * ? *)',
    timezone: 'Europe/Paris',
    handler: 'functions/consumers/webhook-retry-sweeper.ts',
    needs: ['sendEmail'],
    memoryMb: 1024,
    timeoutSeconds: 900,
    input: { scheduledTime: '<aws.scheduler.scheduled-time>' },
    retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 21_600 },
  },
}));

vi.mock('../../shared/app/routes.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../shared/app/routes.js')>();
  return { ...original, routes: { ...original.routes, capabilityFixture: fixtures.route } };
});
vi.mock('../../shared/app/rules.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../shared/app/rules.js')>();
  return { ...original, eventRules: [...original.eventRules, fixtures.rule] };
});
vi.mock('../../shared/app/schedules.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../shared/app/schedules.js')>();
  return { ...original, schedules: [...original.schedules, fixtures.schedule] };
});

const withSes = synth({ sesIdentity: 'coop.example' });
const withoutSes = synth();
const allRoutes = routes as Record<string, RouteDefinition>;

describe('capabilities on test-only definitions', () => {
  it('the mocked definitions are in use', () => {
    expect(allRoutes.capabilityFixture).toBeDefined();
    expect(eventRules.at(-1)?.name).toBe('capability-fixture');
    expect(schedules.at(-1)?.name).toBe('capability-fixture');
  });

  it('a route needing stripeSecrets and publishEvents: GetSecretValue on the Stripe secret and PutEvents on the bus, nothing else', () => {
    const fn = withSes.stack.routeFunctions['capabilityFixture' as keyof typeof withSes.stack.routeFunctions] as IFunction;
    const statements = withSes.statementsOf(fn);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: withSes.logicalId(withSes.stack.stripeSecret) } });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [withSes.logicalId(withSes.stack.eventBus), 'Arn'] } });
    expect(withSes.actionsOf(fn).filter((action) => action.startsWith('ses:'))).toEqual([]);
    expect(withSes.environmentOf(fn)).toMatchObject({ STRIPE_SECRET_ARN: { Ref: withSes.logicalId(withSes.stack.stripeSecret) } });
    expect(withSes.environmentOf(fn).NOTIFIER).toBeUndefined();
  });

  it("a route's own throttle goes to its route settings", () => {
    const stage = Object.values(withSes.resourcesOf('AWS::ApiGatewayV2::Stage'))[0]!;
    expect(stage.Properties.RouteSettings[routeKey(fixtures.route as RouteDefinition)]).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
  });

  it('a rule needing stripeSecrets: the secret, no SES, no bus', () => {
    const fn = withSes.stack.consumerFunctions['capability-fixture']!;
    expect(withSes.actionsOf(fn).filter((action) => /^(ses|secretsmanager|events):/.test(action))).toEqual(['secretsmanager:GetSecretValue']);
  });

  it('a schedule needing sendEmail: SendEmail on the identity with NOTIFIER=ses, or nothing and NOTIFIER=outbox without an identity', () => {
    const fn = withSes.stack.scheduledFunctions['capability-fixture']!;
    expect(withSes.statementsOf(fn).filter((statement) => asList(statement.Action).some((action) => action.startsWith('ses:')))).toEqual([
      {
        Effect: 'Allow',
        Action: 'ses:SendEmail',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:eu-west-3:', { Ref: 'AWS::AccountId' }, ':identity/coop.example']] },
      },
    ]);
    expect(withSes.environmentOf(fn)).toMatchObject({ NOTIFIER: 'ses', SES_FROM_ADDRESS: 'no-reply@coop.example' });
    expect(withSes.actionsOf(fn).filter((action) => action.startsWith('secretsmanager:'))).toEqual([]);

    const bare = withoutSes.stack.scheduledFunctions['capability-fixture']!;
    expect(withoutSes.actionsOf(bare).filter((action) => action.startsWith('ses:'))).toEqual([]);
    expect(withoutSes.environmentOf(bare).NOTIFIER).toBe('outbox');
    expect(withoutSes.environmentOf(bare).SES_FROM_ADDRESS).toBeUndefined();
  });

  it("a schedule's memory, timeout, input and retry policy come from its definition, and its errors are watched", () => {
    const fn = withSes.stack.scheduledFunctions['capability-fixture']!;
    expect(withSes.resource(withSes.logicalId(fn)).Properties).toMatchObject({ MemorySize: 1024, Timeout: 900 });
    const schedule = Object.values(withSes.resourcesOf('AWS::Scheduler::Schedule')).find(
      (candidate) => JSON.stringify(candidate.Properties.Target.Arn) === JSON.stringify({ 'Fn::GetAtt': [withSes.logicalId(fn), 'Arn'] }),
    )!;
    expect(schedule.Properties.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 21_600 });
    expect(JSON.parse(schedule.Properties.Target.Input as string)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    const alarmNames = Object.values(withSes.resourcesOf('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties.AlarmName as string);
    expect(alarmNames).toContain('DeliveryHub-dev-ScheduleErrors-CapabilityFixture');
    expect(alarmNames).toContain('DeliveryHub-dev-DeadLetters-CapabilityFixture');
    expect(alarmNames).toContain('DeliveryHub-dev-DeadLetters-CapabilityFixtureSchedule');
  });

  it('every other function gets exactly what its definitions need (an HTTP function: what its routes need), and the fixtures give nothing to anyone else', () => {
    for (const [name, fn] of withSes.allFunctions()) {
      const definitions = name.startsWith('http ')
        ? Object.values(allRoutes).filter((route) => functionGroupOf(route) === name.slice(5))
        : [name.startsWith('rule ') ? eventRules.find((r) => r.name === name.slice(5))?.target : name.startsWith('schedule ') ? schedules.find((s) => s.name === name.slice(9)) : {}];
      const needs = definitions.flatMap((definition) => needsOf(definition ?? {}));
      const actions = withSes.actionsOf(fn);
      expect(actions.includes('ses:SendEmail'), name).toBe(needs.includes('sendEmail'));
      expect(actions.includes('secretsmanager:GetSecretValue'), name).toBe(needs.includes('stripeSecrets'));
      if (name !== 'outbox relay') expect(actions.includes('events:PutEvents'), name).toBe(needs.includes('publishEvents'));
    }
  });
});

describe('execution roles of the test-only definitions', () => {
  const roleOf = (fn: IFunction) => withSes.logicalId(fn.role!);
  const route = withSes.stack.routeFunctions['capabilityFixture' as keyof typeof withSes.stack.routeFunctions] as IFunction;

  it('a new capability combination gets a role of its own, shared with no function of another profile', () => {
    expect(withSes.stack.executionRoles.get('data+publishEvents+stripeSecrets')).toBe(route.role);
    const others = withSes.allFunctions().filter(([, fn]) => fn !== route);
    expect(others.filter(([, fn]) => roleOf(fn) === roleOf(route)).map(([name]) => name)).toEqual([]);
  });

  it('a definition whose needs match an existing profile joins its role (and adds nothing to it)', () => {
    // The rule needs stripeSecrets, like the billing functions; the schedule needs sendEmail, like notify-recipient.
    const real = withSes.allFunctions().filter(([name]) => !name.endsWith('capabilityFixture') && !name.endsWith('capability-fixture'));
    for (const [fixture, profile] of [
      [withSes.stack.consumerFunctions['capability-fixture']!, 'data+stripeSecrets'],
      [withSes.stack.scheduledFunctions['capability-fixture']!, 'data+sendEmail'],
    ] as const) {
      expect(fixture.role, profile).toBe(withSes.stack.executionRoles.get(profile));
      expect(real.some(([, fn]) => fn.role === fixture.role), profile).toBe(true);
    }
    // data+proofPhotos: the API function's (its proof-photo routes).
    expect([...withSes.stack.executionRoles.keys()].sort()).toEqual(['data', 'data+proofPhotos', 'data+publishEvents+stripeSecrets', 'data+sendEmail', 'data+stripeSecrets', 'no-data', 'outbox-relay']);
  });
});

describe('the capability mapping itself', () => {
  const { stack } = withSes;
  const resources = { stack, email: { fromAddress: 'suivi@coop.example', identities: ['coop.example'] }, stripeSecret: stack.stripeSecret, eventBus: stack.eventBus, proofPhotos: stack.proofPhotos.bucket };

  it('maps every capability of shared/capabilities.ts to one grant, with its actions', () => {
    const actions = Object.fromEntries(
      (Object.keys(capabilities) as Capability[]).map((capability) => [capability, capabilityGrant(capability, resources).statements.flatMap((statement) => statement.toJSON().Action as string)]),
    );
    // sellerIdentity is configuration only: variables, no statement (shared/capabilities.ts `configurationOnly`).
    expect(actions).toEqual({
      sendEmail: ['ses:SendEmail'],
      stripeSecrets: ['secretsmanager:GetSecretValue'],
      publishEvents: ['events:PutEvents'],
      sellerIdentity: [],
      // Its objects' three actions, on one resource (tests/infra/proof-photos.test.ts).
      proofPhotos: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
    });
    for (const capability of configurationOnly) expect(capabilityGrant(capability, resources).statements, capability).toEqual([]);
    expect(capabilityGrant('sellerIdentity', { ...resources, sellerEnvironment: { BILLING_SELLER_SIRET: '91234567500009' } })).toEqual({ statements: [], environment: { BILLING_SELLER_SIRET: '91234567500009' } });
    expect(capabilityGrant('sellerIdentity', resources)).toEqual({ statements: [], environment: {} });
    expect(capabilityGrant('sendEmail', { ...resources, email: undefined })).toEqual({ statements: [], environment: { NOTIFIER: 'outbox' } });
    expect(() => capabilityGrant('sendSms' as Capability, resources)).toThrow('Unknown capability');
  });

  it("reads a definition's needs", () => {
    expect(needsOf({})).toEqual([]);
    expect(needsOf({ needs: ['stripeSecrets', 'sendEmail', 'stripeSecrets'] })).toEqual(['sendEmail', 'stripeSecrets']);
    expect(needsOf({ needs: ['sendEmail', 'sendEmail'] })).toEqual(['sendEmail']);
  });
});
