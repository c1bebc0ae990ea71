import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, type Metafile } from 'esbuild';
import { App, Stack } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { entryPath, lambdaBundling, lambdaEntries, lambdaEsbuildOptions, projectRoot } from '../../infra/bundling.js';

/**
 * The Lambda bundles leave out the SDK's default credential chain (`@aws-sdk/credential-provider-node`
 * and the SSO, ini, process, web identity and metadata providers it pulls in) for a chain of the
 * environment alone (`infra/lambda/credentials-from-env.ts`): with the benchmark's esbuild options,
 * and with the stack's `NodejsFunction` bundling, which runs esbuild's CLI from the project root.
 */
const ENTRY = 'functions/deliveries/get-delivery.ts';
/** The packages of the default chain beyond the environment. */
const DEFAULT_CHAIN = /node_modules\/@aws-sdk\/credential-provider-(node|ini|sso|process|web-identity|http|login)\//;
/** Debug messages of each chain, kept as string literals by the minifier (the package name alone is also in the clients' bundled package.json). */
const DEFAULT_CHAIN_TEXT = 'defaultProvider::fromSSO';
const ENV_CHAIN_TEXT = '@aws-sdk/credential-provider-env - fromEnv';

const workDir = mkdtempSync(join(tmpdir(), 'delivery-hub-bundling-test-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('the credential chain of the Lambda bundles', () => {
  it('lambdaEsbuildOptions (the benchmark): the environment only, no default chain', async () => {
    const result = await build({ ...lambdaEsbuildOptions, entryPoints: [resolve(projectRoot, ENTRY)], outfile: join(workDir, 'esbuild', 'index.mjs'), absWorkingDir: projectRoot, write: false, logLevel: 'silent' });
    const inputs = Object.keys((result.metafile as Metafile).inputs);
    expect(inputs.filter((input) => DEFAULT_CHAIN.test(input))).toEqual([]);
    expect(inputs).toContain('infra/lambda/credentials-from-env.ts');
    expect(inputs.some((input) => input.includes('node_modules/@aws-sdk/credential-provider-env/'))).toBe(true);
    const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'))?.text ?? '';
    expect(code).toContain(ENV_CHAIN_TEXT);
    expect(code).not.toContain(DEFAULT_CHAIN_TEXT);
  });

  it('lambdaBundling (the stack): the same, bundled by CDK as it bundles every function', () => {
    const outdir = join(workDir, 'cdk.out');
    const app = new App({ outdir });
    const stack = new Stack(app, 'BundlingTest', { env: { region: 'eu-west-3' } });
    new NodejsFunction(stack, 'GetDeliveryFn', {
      entry: resolve(projectRoot, ENTRY),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: resolve(projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      bundling: { ...lambdaBundling, mainFields: [...(lambdaBundling.mainFields ?? [])] },
    });
    app.synth();
    const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const code = readFileSync(join(outdir, assets[0] as string, 'index.mjs'), 'utf8');
    expect(code).toContain(ENV_CHAIN_TEXT);
    expect(code).not.toContain(DEFAULT_CHAIN_TEXT);
  }, 60_000);
});

/**
 * The `stripe` SDK (about 240 KB minified, some 15 ms of cold start) is bundled only where Stripe
 * is called: the billing function, which serves the Stripe webhook (signature check), and the
 * push consumers (invoices, credit notes). The authenticated API does not carry it, and the monthly run requests stalled
 * pushes with an `invoice.push_requested` event instead of calling Stripe.
 */
const STRIPE_FUNCTIONS = ['BillingRoutesFn', 'BillingStripeCreditNotesConsumerFn', 'BillingStripePushConsumerFn'];
const STRIPE_SDK = /(^|\/)node_modules\/stripe\//;

describe('the Stripe SDK in the Lambda bundles', () => {
  it('is bundled by the billing function and the push consumers only, not by the API nor the monthly run', async () => {
    const entries = lambdaEntries();
    const withStripe: string[] = [];
    for (let start = 0; start < entries.length; start += 4) {
      await Promise.all(
        entries.slice(start, start + 4).map(async (entry) => {
          const result = await build({ ...lambdaEsbuildOptions, entryPoints: [entryPath(entry)], outfile: join(workDir, 'stripe', entry.name, 'index.mjs'), absWorkingDir: projectRoot, write: false, logLevel: 'silent' });
          if (Object.keys((result.metafile as Metafile).inputs).some((input) => STRIPE_SDK.test(input))) withStripe.push(entry.name);
        }),
      );
    }
    expect(withStripe.sort()).toEqual([...STRIPE_FUNCTIONS].sort());
    expect(entries.find((entry) => entry.entry === 'functions/billing/scheduled-run.ts')?.name).toBe('MonthlyBillingRunScheduledFn');
    expect(entries.find((entry) => entry.group === 'billing')?.routes?.map(({ name }) => name).sort()).toEqual(['createBillingRun', 'stripeWebhook']);
  }, 180_000);
});
