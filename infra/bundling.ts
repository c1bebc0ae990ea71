import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { eventRules, outboxRelay } from '../shared/app/rules.js';
import { routeKey, type RouteDefinition } from '../shared/http/route.js';
import { fallbackRoute, routes, type RouteName } from '../shared/app/routes.js';
import { schedules } from '../shared/app/schedules.js';
import { esbuildTarget } from './node-version.js';
import { FALLBACK_GROUP, functionGroupOf, type FunctionGroupName } from '../shared/http/function-groups.js';

/**
 * How every Lambda function is bundled, in one place: the CDK stack's `NodejsFunction` bundling
 * (`lambdaBundling`) and the benchmark, which runs esbuild itself with the same options
 * (`lambdaEsbuildOptions`) to measure each bundle's size and cold start. Change a setting here
 * and both follow.
 */

/** Handler paths in the route table, the event rules and the schedules are relative to the project root. */
export const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** The Lambda runtime the bundles are built for (the stack's runtime: both from `.node-version`). */
export const LAMBDA_TARGET = esbuildTarget;

/** CommonJS dependencies bundled into an ES module still call `require` for Node built-ins. */
export const LAMBDA_REQUIRE_BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** Prefer packages' ESM builds, then their CommonJS ones. */
export const LAMBDA_MAIN_FIELDS: readonly string[] = ['module', 'main'];

/**
 * The AWS SDK stays bundled, but without its default credential chain: every client imports
 * `defaultProvider` from `@aws-sdk/credential-provider-node` (environment, SSO, ini files,
 * credential process, web identity, container and instance metadata, with their nested STS and
 * SSO clients: about 130 KB minified in every function), and in Lambda the chain's first link,
 * the environment, always answers (the runtime sets the execution role's credentials in
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN). So the bundles alias that
 * package to a module exporting the same `defaultProvider`, made of `fromEnv()` alone. The path
 * is relative to the project root: esbuild resolves an alias from its working directory, which
 * is `projectRoot` when CDK runs it (the esbuild options below use the absolute path). Tests and
 * the local runtime run the sources unbundled, with the whole chain.
 */
export const LAMBDA_CREDENTIALS_PACKAGE = '@aws-sdk/credential-provider-node';
export const LAMBDA_CREDENTIALS_MODULE = './infra/lambda/credentials-from-env.ts';

/**
 * `brotli/decompress.js` (about 490 KB minified: the WOFF2 decoder of `@cantoo/fontkit`, which the
 * Factur-X PDFs use) is replaced by a stub: our fonts are WOFF, never WOFF2 (`infra/lambda/no-brotli.ts`).
 */
export const LAMBDA_BROTLI_PACKAGE = 'brotli/decompress.js';
export const LAMBDA_BROTLI_MODULE = './infra/lambda/no-brotli.ts';

/**
 * Injected into every bundle: stack traces mapped to the TypeScript sources when a stack is read,
 * the source map loaded then (`infra/lambda/source-mapped-stacks.ts`), instead of Node's
 * `--enable-source-maps`, which parses the map in every cold start.
 */
export const LAMBDA_STACK_TRACES_MODULE = './infra/lambda/source-mapped-stacks.ts';

/**
 * The esbuild options of every function, as `NodejsFunction` passes them to esbuild
 * (`--bundle --platform=node --format=esm --target=node22 --minify --sourcemap
 * --sources-content=false --main-fields=module,main --banner:js=… --alias:… --inject:…`, no `--external`:
 * the AWS SDK is bundled), plus `metafile` for the benchmark's size analysis. Add `entryPoints` and
 * `outfile` (`index.mjs`, as CDK names an ESM bundle).
 */
export const lambdaEsbuildOptions: Readonly<BuildOptions> = Object.freeze({
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: LAMBDA_TARGET,
  minify: true,
  // `linked`: a separate `index.mjs.map` with a `sourceMappingURL` comment, as CDK's `sourceMap: true`.
  sourcemap: 'linked',
  // Stack traces need the mappings, not a second copy of the sources.
  sourcesContent: false,
  mainFields: [...LAMBDA_MAIN_FIELDS],
  banner: { js: LAMBDA_REQUIRE_BANNER },
  alias: { [LAMBDA_CREDENTIALS_PACKAGE]: resolve(projectRoot, LAMBDA_CREDENTIALS_MODULE), [LAMBDA_BROTLI_PACKAGE]: resolve(projectRoot, LAMBDA_BROTLI_MODULE) },
  inject: [resolve(projectRoot, LAMBDA_STACK_TRACES_MODULE)],
  metafile: true,
} satisfies BuildOptions);

/**
 * The same settings as `NodejsFunction` bundling props, for the stack (`bundling: lambdaBundling`).
 * No metafile here: CDK would write `index.meta.json` into the asset, and so into every zip.
 */
export const lambdaBundling: Readonly<BundlingOptions> = Object.freeze({
  format: OutputFormat.ESM,
  target: LAMBDA_TARGET,
  mainFields: [...LAMBDA_MAIN_FIELDS],
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // Bundled SDK: the version we test with (the benchmark measures what it costs in size and cold start).
  bundleAwsSDK: true,
  banner: LAMBDA_REQUIRE_BANNER,
  // `--alias:@aws-sdk/credential-provider-node=./infra/lambda/credentials-from-env.ts`, run from `projectRoot`.
  esbuildArgs: { [`--alias:${LAMBDA_CREDENTIALS_PACKAGE}`]: LAMBDA_CREDENTIALS_MODULE, [`--alias:${LAMBDA_BROTLI_PACKAGE}`]: LAMBDA_BROTLI_MODULE },
  // `--inject:…`, relative to `projectRoot` as the alias is.
  inject: [LAMBDA_STACK_TRACES_MODULE],
  // The local esbuild of node_modules: bundling works offline and without a Docker engine.
  forceDockerBundling: false,
} satisfies BundlingOptions);

export type LambdaKind = 'http' | 'route' | 'fallback' | 'consumer' | 'relay' | 'schedule';

/** One Lambda function of the stack, from the shared definitions. */
export interface LambdaEntry {
  /** Stable and unique: the stack's construct id (`ApiRoutesFn`, `AuditTrailConsumerFn`, `OutboxRelayFn`…). */
  name: string;
  kind: LambdaKind;
  /** The entry module, relative to the project root (or absolute: a generated router); it exports `handler`. */
  entry: string;
  /** What the function serves: `the api routes (45)`, `event rule audit-trail`, `table stream outbox-relay`, `schedule webhook-retries`. */
  serves: string;
  /** The routes an HTTP function serves, by route name (its router's table). */
  routes?: ReadonlyArray<{ name: RouteName; route: RouteDefinition }>;
  /** The function group of an HTTP function (`shared/http/function-groups.ts`). */
  group?: FunctionGroupName;
  /** The route of a per-route function (the former layout, kept to measure it). */
  route?: RouteDefinition;
  routeName?: RouteName;
}

/** `createTenant` → `CreateTenant`, `audit-trail` → `AuditTrail` (as the stack names its constructs). */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * How HTTP routes map to functions: `grouped` (the stack: a few functions shaped by workload,
 * each routing to its routes' handlers) or `per-route` (the former layout: one function per
 * route and one for `$default`), which the benchmark builds to compare the two.
 */
export type FunctionLayout = 'grouped' | 'per-route';

/** The routes of each function group, in the route table's order; the `$default` fallback with its group. */
export function routesByGroup(table: Readonly<Record<string, RouteDefinition>> = routes): Map<FunctionGroupName, Array<{ name: RouteName; route: RouteDefinition }>> {
  const groups = new Map<FunctionGroupName, Array<{ name: RouteName; route: RouteDefinition }>>();
  for (const [name, route] of Object.entries(table) as [RouteName, RouteDefinition][]) {
    const group = functionGroupOf(route);
    groups.set(group, [...(groups.get(group) ?? []), { name, route }]);
  }
  if (!groups.has(FALLBACK_GROUP)) groups.set(FALLBACK_GROUP, []);
  return groups;
}

/** Where the generated router modules are written (ignored by git, like every build output). */
export const generatedEntriesFolder = resolve(projectRoot, 'node_modules', '.cache', 'delivery-hub', 'entries');

/**
 * A function group's entry module: a router over its routes' handler modules, keyed by API
 * Gateway's route key, made from the route table (so no route is listed twice) and written
 * where esbuild bundles it from. The file is named after its content (`api.3f2a9c1b.ts`): two
 * route tables never overwrite each other's router (a test synthesizes the stack with extra
 * routes while another bundles the real one), and an unchanged table rewrites nothing.
 */
export function writeRouterEntry(group: FunctionGroupName, members: ReadonlyArray<{ name: RouteName; route: RouteDefinition }>): string {
  const handlers = [...members.map(({ route }) => ({ key: routeKey(route), module: route.handler })), ...(group === FALLBACK_GROUP ? [{ key: '$default', module: fallbackRoute.handler }] : [])];
  const source = [
    `// Generated by infra/bundling.ts from the route table: the router of the '${group}' function. Do not edit.`,
    `import { httpRouter } from ${JSON.stringify(resolve(projectRoot, 'shared/http/router.ts'))};`,
    ...handlers.map((handler, index) => `import { handler as route${index} } from ${JSON.stringify(resolve(projectRoot, handler.module))};`),
    `export const handler = httpRouter({`,
    ...handlers.map((handler, index) => `  ${JSON.stringify(handler.key)}: route${index},`),
    `});`,
    '',
  ].join('\n');
  const file = resolve(generatedEntriesFolder, `${group}.${createHash('sha256').update(source).digest('hex').slice(0, 12)}.ts`);
  mkdirSync(generatedEntriesFolder, { recursive: true });
  if (!existsSync(file)) {
    // Written aside then renamed: a test worker bundling at the same moment never reads half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, source);
    renameSync(partial, file);
  }
  return file;
}

/**
 * Every function the stack deploys, in the stack's order: one per function group of the route
 * table (the `$default` fallback in the static one), one consumer per event rule, one per
 * schedule, and the outbox relay. `per-route` gives the former layout, for the benchmark.
 */
export function lambdaEntries(layout: FunctionLayout = 'grouped'): LambdaEntry[] {
  const entries: LambdaEntry[] = [];
  if (layout === 'grouped') {
    for (const [group, members] of routesByGroup()) {
      entries.push({
        name: `${pascalCase(group)}RoutesFn`,
        kind: 'http',
        entry: writeRouterEntry(group, members),
        serves: `the ${group} routes (${members.length}${group === FALLBACK_GROUP ? ' and $default' : ''})`,
        routes: members,
        group,
      });
    }
  } else {
    for (const [name, route] of Object.entries(routes) as [RouteName, RouteDefinition][]) {
      entries.push({ name: `${pascalCase(name)}Fn`, kind: 'route', entry: route.handler, serves: routeKey(route), route, routeName: name });
    }
    entries.push({ name: 'FallbackFn', kind: 'fallback', entry: fallbackRoute.handler, serves: '$default' });
  }
  for (const rule of eventRules) {
    entries.push({ name: `${pascalCase(rule.name)}ConsumerFn`, kind: 'consumer', entry: rule.target.handler, serves: `event rule ${rule.name}` });
  }
  for (const schedule of schedules) {
    entries.push({ name: `${pascalCase(schedule.name)}ScheduledFn`, kind: 'schedule', entry: schedule.handler, serves: `schedule ${schedule.name}` });
  }
  entries.push({ name: `${pascalCase(outboxRelay.name)}Fn`, kind: 'relay', entry: outboxRelay.handler, serves: `table stream ${outboxRelay.name}` });
  const names = new Set<string>();
  for (const entry of entries) {
    if (names.has(entry.name)) throw new Error(`Two Lambda functions would be named ${entry.name}`);
    names.add(entry.name);
  }
  return entries;
}

/** The absolute path of an entry module. */
export const entryPath = (entry: Pick<LambdaEntry, 'entry'>) => resolve(projectRoot, entry.entry);
