import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT } from 'aws-cdk-lib/cx-api';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { createApp } from '../../infra/app.js';

/**
 * Bundling skipped (same template, no esbuild run per function); a cdk-nag finding is reported
 * by the tests rather than thrown by the synthesis.
 */
// The web app's files are not uploaded (whether web/dist exists on this machine must not change
// the template): tests/infra/web-app.test.ts synthesizes with a fixture build.
export const testContext = { 'aws:cdk:bundling-stacks': [], [FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT]: false, webAppDist: false };

export type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[]; DeletionPolicy?: string; UpdateReplacePolicy?: string };
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Principal?: unknown;
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** The app of a stage with some context, synthesized once, with helpers to read its template. */
export function synth(context: Record<string, unknown> = {}) {
  const { app, stack } = createApp({ context: { ...testContext, ...context } });
  const template = Template.fromStack(stack);
  const json = template.toJSON() as { Resources: Record<string, Resource>; Outputs: Record<string, { Value: unknown }> };

  const logicalId = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const resourcesOf = (type: string): Record<string, Resource> => Object.fromEntries(Object.entries(json.Resources).filter(([, r]) => r.Type === type));
  const resource = (id: string): Resource => {
    const found = json.Resources[id];
    if (!found) throw new Error(`no resource ${id}`);
    return found;
  };
  /** Every statement of every policy attached to the function's role. */
  const statementsOf = (fn: IFunction): Statement[] => {
    const role = JSON.stringify({ Ref: logicalId(fn.role!) });
    return Object.values(resourcesOf('AWS::IAM::Policy'))
      .filter((policy) => (policy.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === role))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  };
  const actionsOf = (fn: IFunction): string[] => statementsOf(fn).flatMap((statement) => asList(statement.Action));
  const environmentOf = (fn: IFunction): Record<string, unknown> => resource(logicalId(fn)).Properties.Environment.Variables as Record<string, unknown>;
  /** Every function of the stack, by a readable name. */
  const allFunctions = (): [string, IFunction][] => [
    ...Object.entries(stack.groupFunctions).map(([group, fn]) => [`http ${group}`, fn] as [string, IFunction]),
    ...Object.entries(stack.consumerFunctions).map(([name, fn]) => [`rule ${name}`, fn] as [string, IFunction]),
    ...Object.entries(stack.scheduledFunctions).map(([name, fn]) => [`schedule ${name}`, fn] as [string, IFunction]),
    ['outbox relay', stack.outboxRelayFunction],
  ];
  return { app, stack, template, json, logicalId, resourcesOf, resource, statementsOf, actionsOf, environmentOf, allFunctions };
}

export type Synthesized = ReturnType<typeof synth>;
