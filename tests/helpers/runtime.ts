import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../infra/local/runtime.js';
import { responseProblems } from './openapi-validator.js';

export const ADMIN_KEY = `test-admin-${randomBytes(16).toString('hex')}`;

export interface TestApi {
  runtime: LocalRuntime;
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  stop(): Promise<void>;
}

export interface CallOptions {
  key?: string | null;
  body?: unknown;
  /** Sent as is (no JSON encoding). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body as bytes (a PDF). */
  bytes: Uint8Array;
  json: any;
}

/**
 * The real local runtime (HTTP server, local bus, shared DynamoDB Local) on free ports, with a
 * table of its own, so test files never see each other's data.
 */
export async function startTestApi(options: Partial<LocalRuntimeOptions> = {}): Promise<TestApi> {
  const runtime = await startLocalRuntime({
    port: 0,
    eventsPort: 0,
    dynamoDbEndpoint: inject('dynamoDbEndpoint'),
    tableName: `hub-${randomBytes(6).toString('hex')}`,
    hubAdminApiKey: ADMIN_KEY,
    retryBaseMs: 5,
    ...options,
  });
  const call = async (method: string, path: string, callOptions: CallOptions = {}): Promise<ApiResponse> => {
    const headers: Record<string, string> = { ...callOptions.headers };
    const key = callOptions.key === undefined ? ADMIN_KEY : callOptions.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | Buffer | undefined = callOptions.rawBody;
    if (callOptions.body !== undefined) {
      body = JSON.stringify(callOptions.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(runtime.apiUrl + path, { method, headers, body });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    // Every answer the tests see must be one the OpenAPI document describes.
    const problems = responseProblems({ method, path, status: response.status, contentType: response.headers.get('content-type'), text });
    if (problems.length > 0) throw new Error(`The response does not match the OpenAPI document:\n${problems.join('\n')}\n${text.slice(0, 500)}`);
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, bytes, json };
  };
  return { runtime, call, stop: () => runtime.stop() };
}

export const sampleTenant = (overrides: Record<string, unknown> = {}) => ({
  name: 'Le Panier Stéphanois',
  kind: 'shop',
  billingEmail: 'compta@panier.example',
  address: { line1: '12 rue de la République', postcode: '42000', city: 'Saint-Étienne', lat: 45.4397, lng: 4.3872 },
  ...overrides,
});

/** Expects the contract's error shape and returns the error object. */
export function expectError(response: ApiResponse, status: number, code: string) {
  if (response.status !== status || response.json?.error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${response.status} ${response.text}`);
  }
  const error = response.json.error;
  if (typeof error.requestId !== 'string' || error.requestId === '') throw new Error('error without requestId');
  if (typeof error.message !== 'string' || /\n\s+at /.test(response.text)) throw new Error('error message missing or a stack trace leaked');
  return error as { type: string; code: string; message: string; param?: string; requestId: string };
}
