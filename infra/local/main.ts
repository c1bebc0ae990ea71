/**
 * `npm start`: the whole API on a laptop, no AWS account. See the README's configuration table.
 */
import { startLocalRuntime, type LocalRuntime } from './runtime.js';

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

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';

const port = portFrom('PORT', 3000);
const started = Date.now();
let runtime: LocalRuntime | undefined;
let stopping = false;

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

try {
  runtime = await startLocalRuntime({
    port,
    eventsPort: portFrom('LOCAL_EVENTS_PORT', port + 1),
    dynamoDbPort: portFrom('LOCAL_DYNAMODB_PORT', port + 2),
    dataDir: process.env.DATA_DIR || '.data',
    ...(process.env.HOST ? { host: process.env.HOST } : {}),
    ...(process.env.HUB_ADMIN_API_KEY ? { hubAdminApiKey: process.env.HUB_ADMIN_API_KEY } : {}),
    ...(process.env.PUBLIC_BASE_URL ? { publicBaseUrl: process.env.PUBLIC_BASE_URL } : {}),
  });
} catch (error) {
  console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Check that Java 17+ is installed (java -version) and that the ports are free.');
  process.exit(1);
}
if (stopping) await new Promise(() => undefined);

const lines = [
  `Delivery hub API is up (${Date.now() - started} ms).`,
  `  API              ${runtime.apiUrl}          (GET /health, GET /v1/openapi.json)`,
  `  Public base URL  ${process.env.PUBLIC_BASE_URL}`,
  `  EventBridge      ${runtime.eventsUrl}          (PutEvents, TestEventPattern; GET /dead-letters)`,
  `  DynamoDB Local   ${runtime.dynamoDbEndpoint}          (table ${runtime.tableName}, data in ${process.env.DATA_DIR || '.data'})`,
];
if (process.env.HUB_ADMIN_API_KEY) lines.push('  Admin key        from HUB_ADMIN_API_KEY');
else if (runtime.bootstrapKey) {
  lines.push('', `  First start: an admin key was created. It is shown this once, keep it:`, `    ${runtime.bootstrapKey.key}`);
} else lines.push('  Admin key        created at first start (printed then); or set HUB_ADMIN_API_KEY');
lines.push('', 'Ctrl+C stops everything.');
console.log(lines.join('\n'));
