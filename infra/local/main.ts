/**
 * `npm start`: the whole API on a laptop, no AWS account. See the README's configuration table.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeMismatch } from '../node-version.js';
import type { LocalRuntime } from './runtime.js';

// The same Node.js major as Lambda, or a clear word on how to get it, before anything starts.
const mismatch = nodeMismatch();
if (mismatch) {
  console.error(mismatch);
  process.exit(1);
}
const { startLocalRuntime } = await import('./runtime.js');
const { sellerStartWarning } = await import('../../shared/billing/seller.js');
const { defaultWebAppPaths, ensureWebApp, errorSummary } = await import('../web-build.js');

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${name} must be a port number (0-65535), not '${raw}'.`);
    process.exit(2);
  }
  return port;
}

process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';

const port = portFrom('PORT', 3000);
const started = Date.now();
let runtime: LocalRuntime | undefined;
let stopping = false;

/**
 * Stops with whatever started it. A terminal's Ctrl+C reaches the whole process group, but a
 * process manager or a script that signals (or kills) `npm` itself leaves this process behind
 * with its ports and its JVM: when the parent goes, the parent of this process changes.
 */
function stopWithParent(): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) void shutdown(`the process that started this one (${parent}) has gone`);
  }, 250);
  timer.unref();
}

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the API, the local bus and DynamoDB Local...`);
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  await runtime?.stop();
  console.log('Stopped.');
  process.exit(0);
}

process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));
stopWithParent();

// The web app (web/, Vite) is built before the API listens when its build is missing or older
// than its sources: one line says so. A failed build is said too, and the API starts anyway
// (/app then answers 503 until a build succeeds).
const webApp = await ensureWebApp();
let webAppProblem: (() => string | undefined) | undefined;
if (webApp.state === 'failed') {
  const failedAt = Date.now();
  const index = join(defaultWebAppPaths.distDir, 'index.html');
  // Until a later build (`npm run build:web`) writes a newer index.html.
  webAppProblem = () =>
    existsSync(index) && statSync(index).mtimeMs > failedAt
      ? undefined
      : `The web app could not be built: ${errorSummary(webApp.error)}. Fix web/, then restart npm start (or run npm run build:web).`;
}
if (stopping) await new Promise(() => undefined);

try {
  runtime = await startLocalRuntime({
    port,
    eventsPort: portFrom('LOCAL_EVENTS_PORT', port + 1),
    dynamoDbPort: portFrom('LOCAL_DYNAMODB_PORT', port + 2),
    dataDir: process.env.DATA_DIR || '.data',
    ...(process.env.HOST ? { host: process.env.HOST } : {}),
    ...(process.env.HUB_ADMIN_API_KEY ? { hubAdminApiKey: process.env.HUB_ADMIN_API_KEY } : {}),
    ...(process.env.PUBLIC_BASE_URL ? { publicBaseUrl: process.env.PUBLIC_BASE_URL } : {}),
    ...(webAppProblem ? { webApp: { problem: webAppProblem } } : {}),
  });
} catch (error) {
  console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Check that Java 17+ is installed (java -version) and that the ports are free.');
  process.exit(1);
}
if (stopping) await new Promise(() => undefined);

const dataDir = process.env.DATA_DIR || '.data';
const adminKeyFile = join(dataDir, 'admin-key');
if (runtime.bootstrapKey) {
  // Kept beside the data it opens, readable by its owner only, so the README's commands work as
  // they are (`$(cat .data/admin-key)`); deleting the data folder deletes both.
  writeFileSync(adminKeyFile, `${runtime.bootstrapKey.key}\n`, { mode: 0o600 });
}

function webAppLine(): string {
  // Where sign-in links point (PUBLIC_BASE_URL, localhost by default): the session cookie is the app's there.
  const url = `${(process.env.PUBLIC_BASE_URL ?? runtime!.apiUrl).replace(/\/$/, '')}/app/`;
  if (webApp.state === 'failed') return `${url}          (its build failed, see above: it answers 503 until a build succeeds)`;
  if (webApp.state === 'no-app') return `${url}          (no web/ folder yet: it answers 503)`;
  return `${url}          (${webApp.state === 'built' ? 'just built' : 'built'} from web/, in ${defaultWebAppPaths.distDir.replace(process.cwd() + '/', '')})`;
}

const lines = [
  `Delivery hub API is up (${Date.now() - started} ms, Node.js ${process.version}).`,
  `  API              ${runtime.apiUrl}          (GET /health, GET /v1/openapi.json)`,
  `  Web app          ${webAppLine()}`,
  `  Public base URL  ${process.env.PUBLIC_BASE_URL}`,
  `  EventBridge      ${runtime.eventsUrl}          (PutEvents, TestEventPattern; GET /dead-letters)`,
  `  DynamoDB Local   ${runtime.dynamoDbEndpoint}          (table ${runtime.tableName}, data in ${dataDir})`,
  `  Geocoder         ${process.env.GEOCODER === 'ban' ? 'BAN (api-adresse / Géoplateforme): addresses without lat/lng are located' : 'off: give lat/lng with every address, or start with GEOCODER=ban'}`,
];
if (process.env.HUB_ADMIN_API_KEY) lines.push('  Admin key        from HUB_ADMIN_API_KEY');
else if (runtime.bootstrapKey) {
  lines.push('', `  First start: an admin key was created. It is shown this once, and kept in ${adminKeyFile} (yours only):`, `    ${runtime.bootstrapKey.key}`);
} else if (existsSync(adminKeyFile)) lines.push(`  Admin key        in ${adminKeyFile} (made at first start); or set HUB_ADMIN_API_KEY`);
else lines.push('  Admin key        created at first start (printed then); or set HUB_ADMIN_API_KEY');
// Once, at start, one line: what in the seller's identity is a placeholder, and the variables to set.
const sellerWarning = sellerStartWarning();
if (sellerWarning) lines.push('', `Warning: ${sellerWarning}`);
lines.push('', 'Ctrl+C stops everything.');
console.log(lines.join('\n'));
