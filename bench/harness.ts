import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { startLocalRuntime, type LocalRuntime } from '../infra/local/runtime.js';

/** One HTTP request of the benchmark, as data: built untimed, sent timed. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  /** A bearer key; null sends none. */
  key: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  /** From just before the request is sent to the last byte of the answer read. */
  ms: number;
  text: string;
  json: any;
}

export interface BenchApi {
  runtime: LocalRuntime;
  adminKey: string;
  call(request: ApiRequest): Promise<ApiResponse>;
  /** Sends and throws unless the status is the one expected (a benchmark of errors measures nothing). */
  expect(request: ApiRequest, status: number): Promise<ApiResponse>;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (DynamoDB Local needs a fixed one; the API and bus take 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The real local runtime, as `npm start` runs it, on free ports with DynamoDB Local in memory
 * (no data folder: every run starts empty) and an admin key of the run's own; only the timers
 * of the schedules are off.
 */
export async function startBenchApi(): Promise<BenchApi> {
  const adminKey = `bench-admin-${randomBytes(16).toString('hex')}`;
  const runtime = await startLocalRuntime({
    port: 0,
    eventsPort: 0,
    dynamoDbPort: await freePort(),
    hubAdminApiKey: adminKey,
    tableName: 'delivery-hub-bench',
    // The clock-driven schedules (the webhook retry sweeper) are background work of no request:
    // off, so they neither show up in a request's round trips nor add noise to its latency.
    runSchedules: false,
  });
  const call = async (request: ApiRequest): Promise<ApiResponse> => {
    const headers: Record<string, string> = { ...request.headers };
    if (request.key !== null) headers.authorization = `Bearer ${request.key}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    const started = performance.now();
    const response = await fetch(runtime.apiUrl + request.path, { method: request.method, headers, body });
    const text = await response.text();
    const ms = performance.now() - started;
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, ms, text, json };
  };
  const expect = async (request: ApiRequest, status: number): Promise<ApiResponse> => {
    const response = await call(request);
    if (response.status !== status) {
      throw new Error(`${request.method} ${request.path}: expected ${status}, got ${response.status} ${response.text.slice(0, 500)}`);
    }
    return response;
  };
  return { runtime, adminKey, call, expect, stop: () => runtime.stop() };
}
