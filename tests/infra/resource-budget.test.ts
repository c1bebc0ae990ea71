import { describe, expect, it } from 'vitest';
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
          `CloudFormation refuses a stack of more than ${CLOUDFORMATION_RESOURCE_LIMIT} resources (CDK fails synthesis first), and each new route adds 5 ` +
          '(function, log group, invoke permission, integration, route; a new combination of capabilities adds its role and policy once). ' +
          'Execution roles are already shared by permission profile (infra/permissions.ts). The plan now: move areas of the route table into ' +
          'nested stacks, one per shared/<area>/routes.ts, each with its own limit, the HTTP API, table, bus and execution roles staying in the parent ' +
          '(README, Scale). Raising this budget would only buy a few more routes.',
      ).toBeLessThanOrEqual(RESOURCE_BUDGET);
    });
  }

  it('gives functions no role of their own: one role per permission profile, plus one per schedule for EventBridge Scheduler', () => {
    for (const [name, s] of stages) {
      const roles = Object.keys(s.resourcesOf('AWS::IAM::Role')).length;
      expect(roles, name).toBe(s.stack.executionRoles.size + Object.keys(s.stack.scheduledFunctions).length);
      expect(Object.keys(s.resourcesOf('AWS::IAM::Policy')), name).toHaveLength(roles);
    }
  });
});
