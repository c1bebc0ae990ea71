import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { errorResponse } from '../../shared/http/response.js';
import { routeKey, routeTimeoutSeconds, type RouteDefinition } from '../../shared/http/route.js';
import { logger } from '../../shared/logging/logger.js';
import { listen } from './event-bus.js';
import { lambdaContext, loadHandler } from './modules.js';
import { isObjectStorePath, serveObjectStore } from './object-store.js';
import { isWebAppPath, serveWebApp, type LocalWebAppOptions } from './web-app.js';

/** API Gateway HTTP APIs take payloads up to 10 MB; the handlers apply the contract's 256 KiB. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** API Gateway's own limit for an integration (the `$default` route). */
const DEFAULT_TIMEOUT_MS = 29_000;

export interface LocalRoute {
  name: string;
  route: RouteDefinition;
}

interface CompiledRoute extends LocalRoute {
  pattern: RegExp;
  names: string[];
}

/** `/v1/tenants/{id}` → a regular expression and the names of its parameters. */
export function compilePath(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const match = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(segment);
      if (!match) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(match[1] as string);
      return match[2] === '+' ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), names };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Turns an HTTP request into the API Gateway HTTP API payload 2.0 event a Lambda receives. */
export function toApiGatewayEvent(
  request: IncomingMessage,
  body: Buffer,
  matched: { routeKey: string; pathParameters?: Record<string, string> },
  requestId: string,
): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://local');
  const rawQueryString = (request.url ?? '').includes('?') ? (request.url ?? '').slice((request.url ?? '').indexOf('?') + 1) : '';
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = (request.rawHeaders[index] as string).toLowerCase();
    const value = request.rawHeaders[index + 1] as string;
    if (name === 'cookie') cookies.push(...value.split(/;\s*/).filter(Boolean));
    else headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  // Text that survives a UTF-8 round trip is passed as is; anything else as base64, as API
  // Gateway does, so a signature over the exact bytes can always be checked.
  const text = body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: matched.routeKey,
    rawPath: url.pathname,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(matched.pathParameters ? { pathParameters: matched.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: matched.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? text : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

function writeResult(response: ServerResponse, result: APIGatewayProxyStructuredResultV2 | string | undefined) {
  // Payload 2.0: a handler may return a bare value; API Gateway then answers 200 JSON.
  const structured: APIGatewayProxyStructuredResultV2 =
    typeof result === 'object' && result !== null && 'statusCode' in result ? result : { statusCode: 200, body: JSON.stringify(result ?? null), headers: { 'content-type': 'application/json' } };
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body = structured.body === undefined ? Buffer.alloc(0) : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  response.writeHead(structured.statusCode ?? 200, headers);
  response.end(body);
}

function readBody(request: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    request.on('end', () => done(size > MAX_PAYLOAD_BYTES ? 'too_large' : Buffer.concat(chunks)));
    request.on('error', fail);
  });
}

export interface LocalApiServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Serves the route table over HTTP by calling the very handler modules Lambda runs, with the
 * event API Gateway would send. Unmatched requests go to the `$default` handler, as in AWS.
 */
export interface LocalApiServerOptions {
  port: number;
  host?: string;
  routes: readonly LocalRoute[];
  fallbackHandler: string;
  /** True while the data store is down (DynamoDB Local restarting): every request gets a 503. */
  unavailable?: () => boolean;
  /** Serves the web app at `/app/` (and redirects `/` and `/app` there); the API alone when undefined. */
  webApp?: LocalWebAppOptions;
}

export async function startLocalApiServer(options: LocalApiServerOptions): Promise<LocalApiServer> {
  const compiled: CompiledRoute[] = options.routes.map((entry) => ({ ...entry, ...compilePath(entry.route.path) }));

  const server = createServer((request, response) => {
    void (async () => {
      // The web app's files, on the API's port as behind the distribution in AWS: answered
      // from the raw path, before any normalisation, and whatever the database's state.
      const rawPath = (request.url ?? '/').split('?')[0] as string;
      if (options.webApp && isWebAppPath(rawPath, request.method)) {
        request.resume();
        return serveWebApp(request, response, options.webApp);
      }
      // The object store's presigned uploads and reads (S3 in AWS), which read the body themselves.
      if (isObjectStorePath(rawPath)) return serveObjectStore(request, response);
      const requestId = newId('request');
      try {
        const body = await readBody(request);
        if (body === 'too_large') {
          return writeResult(response, errorResponse(new AppError('payload_too_large', 'The request body must not exceed 256 KiB.'), requestId));
        }
        if (options.unavailable?.()) {
          const error = new AppError('service_unavailable', 'The local database is restarting. Nothing was lost: retry in a few seconds.', { headers: { 'retry-after': '2' } });
          return writeResult(response, errorResponse(error, requestId));
        }
        const path = new URL(request.url ?? '/', 'http://local').pathname;
        let handlerModule = options.fallbackHandler;
        let timeoutMs = DEFAULT_TIMEOUT_MS;
        let matched: { routeKey: string; pathParameters?: Record<string, string> } = { routeKey: '$default' };
        for (const candidate of compiled) {
          if (candidate.route.method !== request.method) continue;
          const match = candidate.pattern.exec(path);
          if (!match) continue;
          handlerModule = candidate.route.handler;
          timeoutMs = routeTimeoutSeconds(candidate.route) * 1000;
          matched = {
            routeKey: routeKey(candidate.route),
            ...(candidate.names.length > 0 ? { pathParameters: Object.fromEntries(candidate.names.map((name, index) => [name, decode(match[index + 1] as string)])) } : {}),
          };
          break;
        }
        const handler = await loadHandler(handlerModule);
        const event = toApiGatewayEvent(request, body, matched, requestId);
        const result = await handler(event, lambdaContext(matched.routeKey, requestId, timeoutMs));
        writeResult(response, result as APIGatewayProxyStructuredResultV2);
      } catch (error) {
        // What Lambda would turn into API Gateway's 500, in the contract's shape.
        logger.error('handler crashed', { requestId, error: error as Error });
        writeResult(response, errorResponse(new AppError('internal', 'Something went wrong on our side.'), requestId));
      }
    })();
  });
  server.keepAliveTimeout = 5_000;
  const port = await listen(server, options.port, options.host ?? '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 2_000).unref();
      await closed;
    },
  };
}
