import { describe, expect, it, vi } from 'vitest';
import type { RouteDefinition } from '../../shared/http/route.js';
import { synth, type Synthesized } from './template-helpers.js';

/** CloudFormation's hard limit of resources in one stack: above it, CDK refuses to synthesize. */
const CLOUDFORMATION_RESOURCE_LIMIT = 500;
/** Where this test stops us: room left for the change that has to move things out of the stack. */
const RESOURCE_BUDGET = 450;

const stages: [string, Synthesized][] = [
  ['DeliveryHub-dev', synth()],
  [
    'DeliveryHub-prod (every option)',
    synth({
      stage: 'prod',
      alarmEmail: 'ops@coop.example',
      sesIdentity: 'coop.example',
      sesFromAddress: 'Coop <suivi@coop.example>',
      domainName: 'api.coop.example',
      certificateArn: 'arn:aws:acm:eu-west-3:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-000000000000',
      // The web app's files uploaded too (CDK's BucketDeployment: its function, role, layers, custom resources).
      webAppDist: 'tests/fixtures/web-dist',
    }),
  ],
];

describe('the stack stays under the CloudFormation resource limit', () => {
  for (const [name, s] of stages) {
    it(`${name}: at most ${RESOURCE_BUDGET} resources`, () => {
      const count = Object.keys(s.json.Resources).length;
      expect(
        count,
        `${name} synthesizes ${count} CloudFormation resources, over the budget of ${RESOURCE_BUDGET}. ` +
          `CloudFormation refuses a stack of more than ${CLOUDFORMATION_RESOURCE_LIMIT} resources (CDK fails synthesis first). A new route adds one ` +
          'resource (its API Gateway route: it runs in its function group), so what grew is something else: a function per route again, ' +
          'a resource per consumer or schedule, or a new function group. Execution roles are shared by permission profile (infra/permissions.ts). ' +
          'If the stack really needs more, move consumers or an area into a nested stack (docs/scale.md).',
      ).toBeLessThanOrEqual(RESOURCE_BUDGET);
    });
  }

  it("gives functions no role of their own: one role per permission profile, plus one per schedule for EventBridge Scheduler, and CDK's upload function's when the web app is uploaded", () => {
    for (const [name, s] of stages) {
      const roles = Object.keys(s.resourcesOf('AWS::IAM::Role')).length;
      const uploader = s.stack.webApp.deployments.length > 0 ? 1 : 0;
      expect(roles, name).toBe(s.stack.executionRoles.size + Object.keys(s.stack.scheduledFunctions).length + uploader);
      expect(Object.keys(s.resourcesOf('AWS::IAM::Policy')), name).toHaveLength(roles);
    }
  });
});

/**
 * The growth per route, measured: the same stack synthesized from the route table plus 50
 * synthetic routes spread over the four function groups, which must add
 * about one resource each (its API Gateway route) and no function.
 */
describe('the stack grows by about one resource per route', () => {
  const ADDED = 50;
  const synthetic = (index: number): RouteDefinition => {
    const kind = index % 5;
    return {
      method: kind === 0 ? 'POST' : 'GET',
      path: `/v1/synthetic-${index}/{id}`,
      roles: kind === 2 || kind === 3 ? 'public' : kind === 4 ? ['admin'] : ['tenant', 'admin'],
      handler: kind === 2 || kind === 3 ? 'functions/tracking/get-tracking.ts' : 'functions/deliveries/get-delivery.ts',
      summary: `Synthetic route ${index}.`,
      tag: 'Synthetic',
      responses: { 200: { description: 'Synthetic.' } },
      // One in five in each function group: the static one (public, no data), the billing one (Stripe).
      ...(kind === 2 ? { readsData: false } : kind === 4 ? { needs: ['stripeSecrets'] } : {}),
    } as unknown as RouteDefinition;
  };

  it(`${ADDED} added routes add ${ADDED} resources (their API Gateway routes) and no Lambda function`, async () => {
    const count = (s: Synthesized, type?: string) => Object.values(s.json.Resources).filter((r) => type === undefined || r.Type === type).length;
    const base = stages[0]![1];
    vi.resetModules();
    vi.doMock('../../shared/app/routes.js', async (importOriginal) => {
      const original = await importOriginal<typeof import('../../shared/app/routes.js')>();
      return { ...original, routes: { ...original.routes, ...Object.fromEntries(Array.from({ length: ADDED }, (_, index) => [`synthetic${index}`, synthetic(index)])) } };
    });
    try {
      const helpers = await import('./template-helpers.js');
      const grown = helpers.synth();
      expect(Object.keys(grown.stack.routeFunctions)).toHaveLength(Object.keys(base.stack.routeFunctions).length + ADDED);
      expect(count(grown, 'AWS::ApiGatewayV2::Route') - count(base, 'AWS::ApiGatewayV2::Route')).toBe(ADDED);
      expect(count(grown, 'AWS::Lambda::Function')).toBe(count(base, 'AWS::Lambda::Function'));
      // Exactly its API Gateway route each (the group's function, permission and integration are shared).
      const growth = count(grown) - count(base);
      expect(growth, `${ADDED} routes added ${growth} resources`).toBe(ADDED);
    } finally {
      vi.doUnmock('../../shared/app/routes.js');
      vi.resetModules();
    }
  });
});
