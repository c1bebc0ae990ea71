import { isAbsolute, join } from 'node:path';
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeliveryHubStack } from './stack.js';
import { isEntryPoint } from './entry-point.js';
import { sellerSettingsFromContext } from './seller.js';
import { defaultWebAppPaths, ensureWebApp } from './web-build.js';
import { projectRoot } from './bundling.js';

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
 * `seller` (the seller's identity on invoices: an object in cdk.json, or JSON on the command line),
 * `webAppDist` (the built web app to upload: `web/dist` by default, relative to the project's root;
 * `false` or `none` leaves the deployed files as they are).
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
  const webAppDist = webAppDistFromContext(app.node.tryGetContext('webAppDist'));
  const mapTileUrl = contextString(app, 'mapTileUrl', '');
  const mapTileAttribution = contextString(app, 'mapTileAttribution', '');
  const stack = new DeliveryHubStack(app, `DeliveryHub-${stage}`, {
    stage,
    seller,
    ...(sesFromAddress === '' ? {} : { sesFromAddress }),
    ...(sesIdentity === '' ? {} : { sesIdentity }),
    ...(alarmEmail === '' ? {} : { alarmEmail }),
    ...(domainName === '' ? {} : { customDomain: { domainName, certificateArn } }),
    ...(webAppDist === undefined ? {} : { webAppDist }),
    ...(mapTileUrl === '' ? {} : { mapTiles: { url: mapTileUrl, ...(mapTileAttribution === '' ? {} : { attribution: mapTileAttribution }) } }),
    env: { region },
    description: `Delivery Hub (${stage}): HTTP API, functions, single table, event bus.`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/** The `webAppDist` context: a folder (relative to the project's root), or none (`false`, `none`, ''). */
export function webAppDistFromContext(value: unknown): string | undefined {
  if (value === undefined || value === null) return defaultWebAppPaths.distDir;
  if (value === false || value === '' || value === 'false' || value === 'none') return undefined;
  if (typeof value !== 'string') throw new Error(`-c webAppDist must be a folder (web/dist by default) or false, not ${JSON.stringify(value)}.`);
  return isAbsolute(value) ? value : join(projectRoot, value);
}

// `cdk synth` runs this file (cdk.json); tests import createApp instead. The web app is built
// first when its build is missing or older than its sources (the helper `npm start` uses): a
// deploy uploads what web/ holds now. A failed build fails the synthesis, rather than deploy an
// app older than its sources; without a web/ folder, the stack synthesizes without uploading.
if (isEntryPoint(import.meta.url)) {
  // The context as the app will read it (cdk.json and -c), before the app is made; this probe is
  // never synthesized (an App run by the CLI would otherwise write an empty assembly as it exits).
  const webAppDist = webAppDistFromContext(new App({ autoSynth: false }).node.tryGetContext('webAppDist'));
  const web = webAppDist === defaultWebAppPaths.distDir ? await ensureWebApp({ log: (line) => console.error(line) }) : undefined;
  if (web?.state === 'failed') {
    console.error('Not synthesized: fix web/ (or pass -c webAppDist=false to deploy without uploading the app).');
    process.exit(1);
  }
  createApp().app.synth();
}
