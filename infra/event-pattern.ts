import type { EventPattern } from 'aws-cdk-lib/aws-events';

/**
 * The rules in `shared/events/rules.ts` hold patterns as EventBridge writes them (`detail-type`),
 * because the local bus matches with them as they are. CDK's `EventPattern` names the same fields
 * in camelCase and renders them back to EventBridge's names, so only the field names change here;
 * the values (including content filters such as `[{ prefix: 'x' }]`) pass through untouched.
 */
const cdkFieldOf: Record<string, keyof EventPattern> = {
  version: 'version',
  id: 'id',
  'detail-type': 'detailType',
  source: 'source',
  account: 'account',
  time: 'time',
  region: 'region',
  resources: 'resources',
  detail: 'detail',
};

export function toCdkEventPattern(pattern: Record<string, unknown>): EventPattern {
  const converted: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(pattern)) {
    const cdkField = cdkFieldOf[field];
    // An unknown top-level field would be silently dropped by CDK: refuse it instead.
    if (cdkField === undefined) throw new Error(`Event pattern field "${field}" has no CDK equivalent (known: ${Object.keys(cdkFieldOf).join(', ')})`);
    converted[cdkField] = value;
  }
  return converted as EventPattern;
}
