import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeliveryHubStack } from './stack.js';
import { isEntryPoint } from './entry-point.js';
import { sellerSettingsFromContext } from './seller.js';

const DEFAULT_STAGE = 'dev';
const DEFAULT_REGION = 'eu-west-3';

function contextString(app: App, key: string, fallback: string): string {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/**
 * The CDK app: one stack per stage (`-c stage=prod`), checked against the AWS Solutions rules of
 * cdk-nag at synthesis. The account stays unresolved so synthesis needs no credentials; the
 * region is a plain string (`-c region=…`), so region-specific values resolve offline.
 * Optional context: `sesIdentity` / `sesFromAddress` (recipients' e-mails through SES),
 * `alarmEmail` (subscribed to the alarm topic), `domainName` + `certificateArn` (custom domain),
 * `seller` (the seller's identity on invoices: an object in cdk.json, or JSON on the command line).
 */
export function createApp(props: AppProps = {}): { app: App; stack: DeliveryHubStack } {
  const app = new App(props);
  const stage = contextString(app, 'stage', DEFAULT_STAGE);
  const region = contextString(app, 'region', DEFAULT_REGION);
  const sesFromAddress = contextString(app, 'sesFromAddress', '');
  const sesIdentity = contextString(app, 'sesIdentity', '');
  const alarmEmail = contextString(app, 'alarmEmail', '');
  const domainName = contextString(app, 'domainName', '');
  const certificateArn = contextString(app, 'certificateArn', '');
  if ((domainName === '') !== (certificateArn === '')) {
    throw new Error('A custom domain needs both -c domainName=… and -c certificateArn=… (an ACM certificate of that name, in the stack\'s region).');
  }
  const seller = sellerSettingsFromContext(app.node.tryGetContext('seller'));
  const stack = new DeliveryHubStack(app, `DeliveryHub-${stage}`, {
    stage,
    seller,
    ...(sesFromAddress === '' ? {} : { sesFromAddress }),
    ...(sesIdentity === '' ? {} : { sesIdentity }),
    ...(alarmEmail === '' ? {} : { alarmEmail }),
    ...(domainName === '' ? {} : { customDomain: { domainName, certificateArn } }),
    env: { region },
    description: `Delivery Hub (${stage}): HTTP API, functions, single table, event bus.`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}


// `cdk synth` runs this file (cdk.json); tests import createApp instead.
if (isEntryPoint(import.meta.url)) createApp().app.synth();
