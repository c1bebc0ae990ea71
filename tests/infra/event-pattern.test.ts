import { describe, it, expect } from 'vitest';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Rule } from 'aws-cdk-lib/aws-events';
import { toCdkEventPattern } from '../../infra/event-pattern.js';

/** What CloudFormation gets for a rule built from a raw EventBridge pattern. */
function renderedPattern(pattern: Record<string, unknown>): unknown {
  const stack = new Stack();
  new Rule(stack, 'Rule', { eventPattern: toCdkEventPattern(pattern) });
  return Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))[0]?.Properties.EventPattern;
}

describe('raw EventBridge patterns in CDK rules', () => {
  it('render back exactly as written, detail-type and content filters included', () => {
    const pattern = {
      source: ['delivery-hub'],
      'detail-type': ['tenant.created', { prefix: 'api_key.' }],
      detail: { tenantId: [{ exists: true }], data: { kind: [{ 'anything-but': ['test'] }] } },
      account: ['123456789012'],
      region: ['eu-west-3'],
      resources: [{ wildcard: 'arn:aws:*' }],
    };
    expect(renderedPattern(pattern)).toEqual(pattern);
  });

  it('refuses a top-level field CDK would silently drop', () => {
    expect(() => toCdkEventPattern({ source: ['delivery-hub'], detailType: ['x'] })).toThrow(/detailType/);
  });
});
