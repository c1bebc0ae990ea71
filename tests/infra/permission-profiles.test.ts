import { describe, expect, it } from 'vitest';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { capabilityGrant, emailSender, needsOf, type CapabilityResources } from '../../infra/capabilities.js';
import { OUTBOX_RELAY_PROFILE, permissionProfileKey } from '../../infra/permissions.js';
import { routesWithoutData, tableDataActions } from '../../infra/stack.js';
import { tableDefinition } from '../../shared/db/table-definition.js';
import { eventRules } from '../../shared/app/rules.js';
import type { RouteDefinition } from '../../shared/http/route.js';
import { routes, type RouteName } from '../../shared/app/routes.js';
import { schedules } from '../../shared/app/schedules.js';
import { asList, synth, type Statement, type Synthesized } from './template-helpers.js';
import { functionGroupOf, type FunctionGroupName } from '../../shared/http/function-groups.js';

/**
 * Functions share an execution role per permission profile (infra/permissions.ts). These tests
 * prove the sharing changes nobody's permissions: each function's profile is computed here from
 * its definition, and what its role lets it do — every (action, resource) pair of every policy
 * attached to the role, its managed policies and its trust — is compared with what that profile
 * alone grants. A function that gained a permission from a role-mate, or lost one, fails here.
 */

const prodOptions = {
  stage: 'prod',
  alarmEmail: 'ops@coop.example',
  sesIdentity: 'coop.example',
  domainName: 'api.coop.example',
  certificateArn: 'arn:aws:acm:eu-west-3:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-000000000000',
};
const stages: [string, Synthesized, { sesIdentity?: string; sesFromAddress?: string }][] = [
  ['dev (no SES identity)', synth(), {}],
  ['prod (every option)', synth(prodOptions), { sesIdentity: prodOptions.sesIdentity }],
  ['staging (-c sesFromAddress)', synth({ stage: 'staging', sesFromAddress: 'Coop <suivi@coop.example>' }), { sesFromAddress: 'Coop <suivi@coop.example>' }],
];

const basicExecutionPolicy = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']] };
const lambdaTrust = { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }], Version: '2012-10-17' };

interface Profiled {
  name: string;
  fn: IFunction;
  /** Computed from the function's definition, not read from the stack. */
  profile: string;
  tableData: boolean;
  needs: ReturnType<typeof needsOf>;
}

function profiledFunctions(s: Synthesized): Profiled[] {
  const profiled = (name: string, fn: IFunction, tableData: boolean, needs: ReturnType<typeof needsOf>): Profiled => ({
    name,
    fn,
    tableData,
    needs,
    profile: permissionProfileKey({ tableData, needs }),
  });
  return [
    // An HTTP function runs several routes: it reads data if one of them does, and needs what they need together.
    ...(Object.entries(s.stack.groupFunctions) as [FunctionGroupName, IFunction][]).map(([group, fn]) => {
      const members = (Object.entries(routes) as [RouteName, RouteDefinition][]).filter(([, route]) => functionGroupOf(route) === group);
      return profiled(`http ${group}`, fn, members.some(([name]) => !routesWithoutData.has(name)), needsOf({ needs: members.flatMap(([, route]) => needsOf(route)) }));
    }),
    ...eventRules.map((rule) => profiled(`rule ${rule.name}`, s.stack.consumerFunctions[rule.name]!, true, needsOf(rule.target))),
    ...schedules.map((schedule) => profiled(`schedule ${schedule.name}`, s.stack.scheduledFunctions[schedule.name]!, true, needsOf(schedule))),
    { name: 'outbox relay', fn: s.stack.outboxRelayFunction, profile: OUTBOX_RELAY_PROFILE, tableData: false, needs: [] },
  ];
}

/** The role a function runs with, read from the template (its `Role` property). */
function roleIdOf(s: Synthesized, fn: IFunction): string {
  const role = s.resource(s.logicalId(fn)).Properties.Role as { 'Fn::GetAtt': [string, string] };
  expect(role['Fn::GetAtt'][1]).toBe('Arn');
  return role['Fn::GetAtt'][0];
}

const pair = (effect: string, action: string, resource: unknown, condition?: unknown) => JSON.stringify([effect, action, resource, condition ?? null]);

function pairsOf(statements: Statement[]): string[] {
  return statements.flatMap((statement) => asList(statement.Action).flatMap((action) => asList(statement.Resource).map((resource) => pair(statement.Effect, action, resource, statement.Condition))));
}

/** Everything a function's role lets it do: its trust, its managed policies, and every (action, resource) pair attached to it. */
function reachable(s: Synthesized, fn: IFunction): { trust: unknown; managed: unknown; pairs: string[] } {
  const roleId = roleIdOf(s, fn);
  const role = s.resource(roleId);
  const statements = Object.values(s.resourcesOf('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  return { trust: role.Properties.AssumeRolePolicyDocument, managed: role.Properties.ManagedPolicyArns, pairs: [...new Set(pairsOf(statements))].sort() };
}

/** What a profile grants, written from the grants themselves: the table's data, each capability, X-Ray. */
function expectedPairs(s: Synthesized, options: { sesIdentity?: string; sesFromAddress?: string }, item: Profiled): string[] {
  const xray = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'].map((action) => pair('Allow', action, '*'));
  const tableArn = { 'Fn::GetAtt': [s.logicalId(s.stack.table), 'Arn'] };
  if (item.profile === OUTBOX_RELAY_PROFILE) {
    return [
      ...xray,
      pair('Allow', 'events:PutEvents', { 'Fn::GetAtt': [s.logicalId(s.stack.eventBus), 'Arn'] }),
      ...['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'].map((action) => pair('Allow', action, { 'Fn::GetAtt': [s.logicalId(s.stack.table), 'StreamArn'] })),
      pair('Allow', 'dynamodb:ListStreams', '*'),
      ...['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'].map((action) => pair('Allow', action, { 'Fn::GetAtt': [s.logicalId(s.stack.outboxRelayDeadLetterQueue), 'Arn'] })),
    ].sort();
  }
  const dataResources = [tableArn, ...tableDefinition.globalSecondaryIndexes.map((index) => ({ 'Fn::Join': ['', [tableArn, `/index/${index.name}`]] }))];
  const resources: CapabilityResources = { stack: s.stack, email: emailSender(options), stripeSecret: s.stack.stripeSecret, eventBus: s.stack.eventBus, proofPhotos: s.stack.proofPhotos.bucket };
  const capabilityStatements = item.needs.flatMap((capability) => capabilityGrant(capability, resources).statements.map((statement) => s.stack.resolve(statement.toStatementJson()) as Statement));
  return [
    ...new Set([
      ...xray,
      ...(item.tableData ? tableDataActions.flatMap((action) => dataResources.map((resource) => pair('Allow', action, resource))) : []),
      ...pairsOf(capabilityStatements),
    ]),
  ].sort();
}

describe('execution roles are shared by permission profile', () => {
  for (const [stageName, s, options] of stages) {
    const functions = profiledFunctions(s);

    it(`${stageName}: the functions of one role have one profile, and each profile has one role`, () => {
      // Every function of the template, once.
      expect(functions.map(({ fn }) => s.logicalId(fn)).sort()).toEqual(Object.keys(s.resourcesOf('AWS::Lambda::Function')).sort());
      const profilesByRole = new Map<string, Set<string>>();
      const rolesByProfile = new Map<string, Set<string>>();
      for (const { fn, profile } of functions) {
        const roleId = roleIdOf(s, fn);
        profilesByRole.set(roleId, (profilesByRole.get(roleId) ?? new Set()).add(profile));
        rolesByProfile.set(profile, (rolesByProfile.get(profile) ?? new Set()).add(roleId));
      }
      for (const [roleId, profiles] of profilesByRole) expect([...profiles], roleId).toHaveLength(1);
      for (const [profile, roles] of rolesByProfile) expect([...roles], profile).toHaveLength(1);
      expect(profilesByRole.size).toBe(rolesByProfile.size);

      // The stack's own map says the same, and names no role no function uses.
      expect([...s.stack.executionRoles.keys()].sort()).toEqual([...rolesByProfile.keys()].sort());
      for (const [profile, role] of s.stack.executionRoles) expect([...rolesByProfile.get(profile)!], profile).toEqual([s.logicalId(role)]);
    });

    it(`${stageName}: the stack has no other roles than one per profile and one per schedule (Scheduler's)`, () => {
      const roles = s.resourcesOf('AWS::IAM::Role');
      const profileRoles = new Set(functions.map(({ fn }) => roleIdOf(s, fn)));
      const others = Object.entries(roles).filter(([id]) => !profileRoles.has(id));
      expect(others).toHaveLength(schedules.length);
      for (const [id, role] of others) expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument), id).toContain('scheduler.amazonaws.com');
      expect(Object.keys(roles)).toHaveLength(new Set(functions.map(({ profile }) => profile)).size + schedules.length);
    });

    it(`${stageName}: every permission is in an inline policy of exactly one role, so the pairs below are all a role allows`, () => {
      for (const type of ['AWS::IAM::ManagedPolicy', 'AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::RolePolicy', 'AWS::IAM::InstanceProfile']) expect(Object.keys(s.resourcesOf(type)), type).toEqual([]);
      for (const [id, policy] of Object.entries(s.resourcesOf('AWS::IAM::Policy'))) {
        expect(policy.Properties.Roles, id).toHaveLength(1);
        expect(policy.Properties.Users ?? policy.Properties.Groups, id).toBeUndefined();
      }
      for (const [id, role] of Object.entries(s.resourcesOf('AWS::IAM::Role'))) expect(role.Properties.Policies, id).toBeUndefined();
    });

    it(`${stageName}: each function can do exactly what its own profile grants, no more (nothing from a role-mate), no less`, () => {
      const byProfile = new Map<string, string>();
      for (const item of functions) {
        const found = reachable(s, item.fn);
        expect(found.trust, item.name).toEqual(lambdaTrust);
        expect(found.managed, item.name).toEqual([basicExecutionPolicy]);
        expect(found.pairs, item.name).toEqual(expectedPairs(s, options, item));
        // Same profile, same permissions (whatever the function's kind: route, consumer or schedule).
        const seen = byProfile.get(item.profile);
        if (seen !== undefined) expect(JSON.stringify(found), item.name).toBe(seen);
        byProfile.set(item.profile, JSON.stringify(found));
      }
    });
  }

  it('gives data routes without capabilities, consumers and schedules of that profile one role, and the data-free functions another', () => {
    const [, dev] = stages[0]!;
    const functions = profiledFunctions(dev);
    const roleOf = (name: string) => roleIdOf(dev, functions.find((item) => item.name === name)!.fn);
    const noData = functions.filter((item) => item.profile === 'no-data').map((item) => item.name);
    // The static function: health, the OpenAPI document and the $default 404.
    expect(noData.sort()).toEqual(['http static']);
    expect(new Set(noData.map(roleOf)).size).toBe(1);
    const data = functions.filter((item) => item.profile === 'data');
    expect(data.length).toBeGreaterThan(1);
    expect(new Set(data.map((item) => roleOf(item.name))).size).toBe(1);
    expect(roleOf('outbox relay')).not.toBe(roleOf(data[0]!.name));
    expect(roleOf('http static')).not.toBe(roleOf(data[0]!.name));
  });

  it('names the profiles from what is granted: table data or not, then the sorted capabilities', () => {
    expect(permissionProfileKey({ tableData: true, needs: [] })).toBe('data');
    expect(permissionProfileKey({ tableData: false, needs: [] })).toBe('no-data');
    expect(permissionProfileKey({ tableData: true, needs: ['stripeSecrets', 'publishEvents', 'stripeSecrets'] })).toBe('data+publishEvents+stripeSecrets');
    // A configuration-only capability grants nothing: it does not make a profile of its own.
    expect(permissionProfileKey({ tableData: true, needs: ['sellerIdentity', 'stripeSecrets'] })).toBe('data+stripeSecrets');
    expect(permissionProfileKey({ tableData: false, needs: ['sellerIdentity'] })).toBe('no-data');
  });
});
