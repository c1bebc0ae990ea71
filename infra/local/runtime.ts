import { bootstrapAdminKey } from '../../shared/auth/bootstrap.js';
import type { IssuedKey } from '../../shared/auth/api-keys.js';
import { eventRules, outboxRelay } from '../../shared/app/rules.js';
import type { EventRule } from '../../shared/events/rule.js';
import { schedules } from '../../shared/app/schedules.js';
import { lambdaContext, loadHandler } from './modules.js';
import { logger } from '../../shared/logging/logger.js';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fallbackRoute, routes } from '../../shared/app/routes.js';
import { startLocalApiServer, type LocalApiServer } from './api-server.js';
import { ensureTable, localDynamoClient, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb.js';
import { fileJournal, memoryJournal } from './bus-journal.js';
import { startLocalEventBus, type LocalEventBus } from './event-bus.js';
import { startStreamPoller, type StreamPoller } from './stream-poller.js';
import { defaultWebAppPaths } from '../web-build.js';
import type { LocalWebAppOptions } from './web-app.js';

export interface LocalRuntimeOptions {
  /** 0 picks a free port (tests). */
  port: number;
  eventsPort?: number;
  dynamoDbPort?: number;
  /** DynamoDB Local's files; in memory when undefined. */
  dataDir?: string;
  /** Use an already running DynamoDB Local instead of starting one (tests share one JVM). */
  dynamoDbEndpoint?: string;
  tableName?: string;
  busName?: string;
  hubAdminApiKey?: string;
  publicBaseUrl?: string;
  region?: string;
  host?: string;
  retryBaseMs?: number;
  /** The shared rules by default; tests add consumers of their own. */
  rules?: readonly EventRule[];
  /** Run the schedules on their local timers (default true; tests may drive them by hand). */
  runSchedules?: boolean;
  /**
   * The web app at `/app/`: Vite's output `web/dist/` by default, served as it is (never built
   * here: `npm start` builds it first when needed, tests that need the real app build it first);
   * `/app` answers 503 while the folder holds no index.html. `false` serves the API alone.
   */
  webApp?: Partial<LocalWebAppOptions> | false;
}

export interface LocalRuntime {
  apiUrl: string;
  eventsUrl: string;
  dynamoDbEndpoint: string;
  tableName: string;
  bus: LocalEventBus;
  poller: StreamPoller;
  /** Resolves when every write so far has been relayed and every resulting delivery is done. */
  settle(): Promise<void>;
  /** Runs one schedule's handler now, as its timer would. */
  runSchedule(name: string): Promise<unknown>;
  /** Set when this start created the first admin key (no HUB_ADMIN_API_KEY given). */
  bootstrapKey?: IssuedKey;
  stop(): Promise<void>;
}

/**
 * Starts everything `npm start` runs: DynamoDB Local with the shared table, the local
 * EventBridge endpoint with the shared rules, and the HTTP API with the shared route table.
 * Every started piece is stopped again if a later one fails to start.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const region = options.region ?? process.env.AWS_REGION ?? 'eu-west-3';
    const tableName = options.tableName ?? 'delivery-hub';
    const busName = options.busName ?? 'delivery-hub';

    let dynamo: DynamoDbLocal | undefined;
    if (!options.dynamoDbEndpoint) {
      dynamo = await startDynamoDbLocal({
        port: options.dynamoDbPort ?? options.port + 2,
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        supervise: true,
        // Said to the person running `npm start`, whatever the log level: it is about their machine.
        onStateChange: (state, detail) => (state === 'up' ? console.log(detail) : console.error(detail)),
      });
      stops.push(() => dynamo!.stop());
    }
    const dynamoDbEndpoint = options.dynamoDbEndpoint ?? dynamo!.endpoint;

    const bus = await startLocalEventBus({
      port: options.eventsPort ?? (options.port === 0 ? 0 : options.port + 1),
      host: options.host,
      busName,
      rules: options.rules ?? eventRules,
      region,
      retryBaseMs: options.retryBaseMs,
      // On disk beside the table, so what the bus acknowledged survives a crash, as in EventBridge.
      journal: options.dataDir ? fileJournal(join(options.dataDir, 'local-bus')) : memoryJournal(),
      ...(dynamo ? { targetsAvailable: () => dynamo!.available } : {}),
    });
    stops.push(() => bus.stop());

    // The handlers run in this process and read their configuration from the environment, as
    // in Lambda; only the endpoints differ from AWS.
    Object.assign(process.env, {
      DELIVERY_HUB_LOCAL: 'true',
      TABLE_NAME: tableName,
      EVENT_BUS_NAME: busName,
      AWS_REGION: region,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    });
    // Proof photos (the object store's local adapter): under the data folder, like the table; a
    // runtime without one (the tests') keeps them in a temporary folder removed when it stops.
    const objectsDir = options.dataDir ? join(options.dataDir, 'objects') : mkdtempSync(join(tmpdir(), 'delivery-hub-objects-'));
    process.env.LOCAL_OBJECTS_DIR = objectsDir;
    if (!options.dataDir) stops.push(async () => rmSync(objectsDir, { recursive: true, force: true }));
    if (options.hubAdminApiKey) process.env.HUB_ADMIN_API_KEY = options.hubAdminApiKey;
    else delete process.env.HUB_ADMIN_API_KEY;

    const client = localDynamoClient(dynamoDbEndpoint);
    stops.push(async () => client.destroy());
    await ensureTable(client, tableName);
    const streams = new DynamoDBStreamsClient({ endpoint: dynamoDbEndpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    stops.push(async () => streams.destroy());
    const poller = await startStreamPoller({
      dynamo: client,
      streams,
      tableName,
      region,
      handler: outboxRelay.handler,
      filter: outboxRelay.filter,
      ...(options.dataDir ? { checkpointFile: join(options.dataDir, `stream-checkpoints-${tableName}.json`) } : {}),
      ...(options.retryBaseMs !== undefined ? { retryDelayMs: options.retryBaseMs * 10, idleDelayMs: 25 } : {}),
    });
    stops.push(() => poller.stop());

    const api: LocalApiServer = await startLocalApiServer({
      port: options.port,
      host: options.host,
      routes: Object.entries(routes).map(([name, route]) => ({ name, route })),
      fallbackHandler: fallbackRoute.handler,
      // While a supervised DynamoDB Local restarts, nothing can be served: a clean 503 at once.
      ...(dynamo ? { unavailable: () => !dynamo!.available } : {}),
      ...(options.webApp === false ? {} : { webApp: { distDir: defaultWebAppPaths.distDir, ...options.webApp } }),
    });
    stops.push(() => api.stop());
    process.env.PUBLIC_BASE_URL = options.publicBaseUrl ?? `http://localhost:${api.port}`;

    const bootstrapKey = options.hubAdminApiKey ? undefined : await bootstrapAdminKey();
    // Everything the consumers need is in place: deliver what a previous run left owed.
    bus.resumePending();

    const runSchedule = async (name: string) => {
      const schedule = schedules.find((candidate) => candidate.name === name);
      if (!schedule) throw new Error(`No schedule named ${name}`);
      const handler = await loadHandler(schedule.handler);
      return handler({ source: 'local.scheduler', 'detail-type': 'Scheduled Event', detail: {}, time: new Date().toISOString() }, lambdaContext(schedule.name, `schedule-${Date.now()}`, 60_000));
    };
    if (options.runSchedules ?? true) {
      for (const schedule of schedules.filter((candidate) => candidate.localEveryMs !== undefined)) {
        let running = false;
        const timer = setInterval(() => {
          if (running || (dynamo && !dynamo.available)) return;
          running = true;
          runSchedule(schedule.name)
            .catch((error: unknown) => logger.error('scheduled run failed', { schedule: schedule.name, error: String(error) }))
            .finally(() => (running = false));
        }, schedule.localEveryMs);
        timer.unref();
        stops.push(async () => clearInterval(timer));
      }
    }

    return {
      apiUrl: api.url,
      eventsUrl: bus.endpoint,
      dynamoDbEndpoint,
      tableName,
      bus,
      poller,
      runSchedule,
      async settle() {
        // Consumers may write new outbox items: go round until a whole round finds nothing new.
        for (let round = 0; round < 5; round += 1) {
          await poller.drain();
          await bus.idle();
        }
      },
      ...(bootstrapKey ? { bootstrapKey } : {}),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
