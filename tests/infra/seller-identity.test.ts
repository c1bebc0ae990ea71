import { describe, expect, it } from 'vitest';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { createApp } from '../../infra/app.js';
import { needsOf } from '../../infra/capabilities.js';
import { sellerContextProblems } from '../../infra/seller.js';
import { eventRules } from '../../shared/app/rules.js';
import { routes } from '../../shared/app/routes.js';
import { schedules } from '../../shared/app/schedules.js';
import { sellerFields } from '../../shared/billing/seller.js';
import { functionGroupOf, groupNeeds, type FunctionGroupName } from '../../shared/http/function-groups.js';
import type { RouteDefinition } from '../../shared/http/route.js';
import { METRIC_NAMESPACE, metricNames } from '../../shared/observability/metrics.js';
import { validSeller, validSellerEnvironment } from '../fixtures/seller.js';
import { synth, testContext, type Synthesized } from './template-helpers.js';

/**
 * The seller's identity on invoices, from the deploy context to the functions that issue or
 * render invoices, and the alarm on invoices refused for it (docs/operations.md, "The seller's
 * identity"). One synthesis per way of giving it: a `seller` object (cdk.json), its JSON text
 * (`-c seller='{…}'`), and none.
 */
const devWithObject = synth({ seller: validSeller });
const prodWithJson = synth({ stage: 'prod', seller: JSON.stringify(validSeller) });
const prodWithout = synth({ stage: 'prod' });

const sellerVariables = Object.values(sellerFields).map((field) => field.variable);

/** Whether a function's definitions (an HTTP function's: its group's and its routes') need the seller's identity. */
function needsSeller(name: string): boolean {
  if (name.startsWith('http ')) {
    const group = name.slice(5) as FunctionGroupName;
    const members = Object.values(routes as Record<string, RouteDefinition>).filter((route) => functionGroupOf(route) === group);
    return [...groupNeeds(group), ...members.flatMap((route) => needsOf(route))].includes('sellerIdentity');
  }
  if (name.startsWith('rule ')) return needsOf(eventRules.find((rule) => rule.name === name.slice(5))!.target).includes('sellerIdentity');
  if (name.startsWith('schedule ')) return needsOf(schedules.find((schedule) => schedule.name === name.slice(9))!).includes('sellerIdentity');
  return false;
}

function sellerEnvironmentOf(s: Synthesized, name: string): Record<string, unknown> {
  const fn = s.allFunctions().find(([candidate]) => candidate === name)?.[1];
  if (!fn) throw new Error(`no function ${name}`);
  return Object.fromEntries(Object.entries(s.environmentOf(fn)).filter(([variable]) => variable.startsWith('BILLING_SELLER_')));
}

describe("the seller's identity reaches the functions that issue or render invoices", () => {
  it('those are the billing and api groups, the monthly billing run and the Stripe push', () => {
    const names = devWithObject.allFunctions().map(([name]) => name).filter(needsSeller).sort();
    expect(names).toEqual(['http api', 'http billing', 'rule billing-stripe-push', 'schedule monthly-billing-run']);
  });

  for (const [label, s] of [
    ['a seller object in the context (cdk.json)', devWithObject],
    ["its JSON text (-c seller='{…}')", prodWithJson],
  ] as const) {
    it(`${label}: each of them gets every BILLING_SELLER_* variable of it, and no other function gets any`, () => {
      for (const [name] of s.allFunctions()) {
        expect(sellerEnvironmentOf(s, name), name).toEqual(needsSeller(name) ? validSellerEnvironment : {});
      }
      for (const variable of Object.keys(validSellerEnvironment)) expect(sellerVariables, variable).toContain(variable);
    });
  }

  it('each knows its stage (STAGE), which decides whether placeholders are refused', () => {
    for (const [name, fn] of prodWithJson.allFunctions()) expect(prodWithJson.environmentOf(fn).STAGE, name).toBe('prod');
    for (const [name, fn] of devWithObject.allFunctions()) expect(devWithObject.environmentOf(fn).STAGE, name).toBe('dev');
  });

  it('without the context, no BILLING_SELLER_* variable anywhere (the placeholders apply), and the prod synthesis warns', () => {
    for (const [name] of prodWithout.allFunctions()) expect(sellerEnvironmentOf(prodWithout, name), name).toEqual({});
    const warnings = Annotations.fromStack(prodWithout.stack).findWarning('*', Match.stringLikeRegexp("The seller's identity \\(context 'seller'\\) is not ready"));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0]!.entry.data)).toContain('seller.siret: SIRET is the built-in placeholder');
    // A complete identity: no warning.
    expect(Annotations.fromStack(prodWithJson.stack).findWarning('*', Match.stringLikeRegexp('seller'))).toEqual([]);
  });

  it("checks the context's identity as the functions will", () => {
    expect(sellerContextProblems(validSeller)).toEqual([]);
    expect(sellerContextProblems({ ...validSeller, iban: 'FR76 3000 6000 0112 3456 7890 188' })).toEqual(['seller.iban: IBAN is not valid (format, length or mod-97 check)']);
    expect(sellerContextProblems({})).toContain('seller.vatNumber: VAT number is the built-in placeholder');
  });

  it('refuses a seller object with an unknown field, or that is not an object', () => {
    expect(() => createApp({ context: { ...testContext, seller: { ...validSeller, tva: 'FR65912345675' } } })).toThrow('seller.tva is not a field of the seller');
    expect(() => createApp({ context: { ...testContext, seller: 'siret=91234567500009' } })).toThrow('must be a JSON object');
  });

  it('gives no function another execution role: the capability grants nothing', () => {
    expect([...devWithObject.stack.executionRoles.keys()].sort()).toEqual([...prodWithout.stack.executionRoles.keys()].sort());
    expect([...devWithObject.stack.executionRoles.keys()].some((key) => key.includes('sellerIdentity'))).toBe(false);
  });
});

describe('the InvoiceRefusedSellerIdentity alarm', () => {
  for (const [stage, s] of [
    ['dev', devWithObject],
    ['prod', prodWithout],
  ] as const) {
    it(`${stage}: fires on one refusal in 5 minutes, and notifies the alarm topic (into ALARM and back to OK)`, () => {
      const alarms = Object.values(s.resourcesOf('AWS::CloudWatch::Alarm')).filter((alarm) => alarm.Properties.AlarmName === `DeliveryHub-${stage}-InvoiceRefusedSellerIdentity`);
      expect(alarms).toHaveLength(1);
      const { Properties: p } = alarms[0]!;
      expect(p).toMatchObject({
        // Counts are whole: more than 0 is at least 1.
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
      });
      // The one metric the code records (shared/billing/seller.ts), under the stage alone, summed over 5 minutes.
      expect(p.Metrics).toEqual([
        expect.objectContaining({
          ReturnData: true,
          MetricStat: { Metric: { Namespace: METRIC_NAMESPACE, MetricName: metricNames.InvoiceRefusedSellerIdentity, Dimensions: [{ Name: 'stage', Value: stage }] }, Period: 300, Stat: 'Sum' },
        }),
      ]);
      const topic = { Ref: s.logicalId(s.stack.observability.topic) };
      expect(p.AlarmActions).toEqual([topic]);
      expect(p.OKActions).toEqual([topic]);
    });
  }
});
