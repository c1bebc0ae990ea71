import { realpathSync, statSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import { IMMUTABLE_CACHE_CONTROL, isClientRoute, REVALIDATE_CACHE_CONTROL, tileSource, WEB_APP_ASSETS_PREFIX, WEB_APP_PREFIX, webAppCsp, webAppSecurityHeaders } from '../web-app.js';

/**
 * The web app on the local API's port, as CloudFront serves it in AWS (`infra/constructs/web-app.ts`):
 * `/app` → `/app/`; files of Vite's output with their content type, hashed assets cached for a
 * year and the rest revalidated; a client route (a path whose last segment has no dot) answers
 * index.html; a missing file is a 404; nothing outside the output folder, ever.
 */
export interface LocalWebAppOptions {
  /** Vite's output folder (`web/dist/`); tests point it at a fixture. */
  distDir: string;
  /** Why the app cannot be served (its build failed): `/app` answers 503 with it meanwhile. */
  problem?: () => string | undefined;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json|xml|wasm)|image\/svg\+xml)/;
/** Below this, compression saves less than the headers it adds. */
const MIN_COMPRESSED_BYTES = 1024;

/**
 * True for the requests the app answers: `GET`/`HEAD` of `/` and `/app` (redirects), anything under
 * `/app/`; from the raw path, before any normalisation. Other methods on `/` and `/app` go to the
 * API (its 404), as they do through the distribution.
 */
export function isWebAppPath(rawPath: string, method = 'GET'): boolean {
  if (rawPath === '/' || rawPath === '/app') return method === 'GET' || method === 'HEAD';
  return rawPath.startsWith(WEB_APP_PREFIX);
}

type Encoding = 'br' | 'gzip';

/** The encoding to answer with: brotli, else gzip, if the client accepts it (`q=0` refuses). */
export function preferredEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...parameters] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(name, q ? Number(q.slice(2)) : 1);
  }
  const quality = (name: Encoding) => accepted.get(name) ?? (accepted.has('*') ? (accepted.get('*') as number) : 0);
  if (quality('br') > 0) return 'br';
  if (quality('gzip') > 0) return 'gzip';
  return undefined;
}

const compressBrotli = promisify(brotliCompress);
const compressGzip = promisify(gzip);
/** Compressed bodies by file, version and encoding: each is compressed once. */
const compressed = new Map<string, Buffer>();
const MAX_COMPRESSED_ENTRIES = 500;

async function compress(key: string, body: Buffer, encoding: Encoding): Promise<Buffer> {
  const cacheKey = `${key}:${encoding}`;
  const hit = compressed.get(cacheKey);
  if (hit) return hit;
  const result =
    encoding === 'br'
      ? await compressBrotli(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length } })
      : await compressGzip(body, { level: 9 });
  if (compressed.size >= MAX_COMPRESSED_ENTRIES) compressed.delete(compressed.keys().next().value as string);
  compressed.set(cacheKey, result);
  return result;
}

function plain(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(`${text}\n`, 'utf8');
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(body.length),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The decoded path segments after `/app/`, or undefined when one would leave the folder or is not a name. */
function segmentsOf(rawPath: string): string[] | undefined {
  const segments = rawPath.slice(WEB_APP_PREFIX.length).split('/');
  const decoded: string[] = [];
  for (const [index, segment] of segments.entries()) {
    let name: string;
    try {
      name = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    // `..` (however encoded), `.`, any dotfile or dot folder (Vite's `.vite/` manifest is not
    // uploaded to AWS either), a slash or backslash inside a segment, a NUL, an empty segment but
    // the last (a trailing slash).
    if (name.startsWith('.') || /[/\\\0]/.test(name) || (name === '' && index < segments.length - 1)) return undefined;
    decoded.push(name);
  }
  return decoded;
}

/** The message `/app` answers with while the app cannot be served, or undefined. */
function unavailable(options: LocalWebAppOptions, index: string): string | undefined {
  const problem = options.problem?.();
  if (problem) return problem;
  if (!statOf(index)?.isFile()) {
    return `The web app is not built: ${index} does not exist. Run \`npm run build:web\`, or restart \`npm start\`, which builds it when needed.`;
  }
  return undefined;
}

/** Answers a request for which `isWebAppPath` is true. Never throws. */
export async function serveWebApp(request: IncomingMessage, response: ServerResponse, options: LocalWebAppOptions): Promise<void> {
  try {
    const rawUrl = request.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const query = queryAt === -1 ? '' : rawUrl.slice(queryAt);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(response, 405, 'The web app answers GET and HEAD only.', { allow: 'GET, HEAD' });
    }
    // `/` and `/app` lead to the app (as the distribution's viewer-request function does).
    if (rawPath === '/' || rawPath === '/app') {
      return plain(response, rawPath === '/' ? 302 : 301, `See ${WEB_APP_PREFIX}`, { location: `${WEB_APP_PREFIX}${query}` });
    }

    const root = resolve(options.distDir);
    const index = join(root, 'index.html');
    const problem = unavailable(options, index);
    if (problem) return plain(response, 503, problem);

    const segments = segmentsOf(rawPath);
    if (!segments) return plain(response, 404, 'Not found.');
    const candidate = resolve(root, ...segments);
    if (candidate !== root && !candidate.startsWith(root + sep)) return plain(response, 404, 'Not found.');

    let file: string;
    let stats = statOf(candidate);
    if (stats?.isFile() && isInside(candidate, root)) file = candidate;
    else if (isClientRoute(`/${segments.join('/')}`)) {
      file = index;
      stats = statOf(index);
    } else return plain(response, 404, 'Not found.');
    if (!stats) return plain(response, 404, 'Not found.');

    const immutable = file !== index && rawPath.startsWith(WEB_APP_ASSETS_PREFIX);
    const contentType = contentTypeOf(file);
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const headers: Record<string, string> = {
      'content-type': contentType,
      'cache-control': immutable ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL,
      etag,
      'last-modified': stats.mtime.toUTCString(),
      ...webAppSecurityHeaders,
      // The map's tile server, when `MAP_TILE_URL` names one (the board draws its tiles).
      ...(tileSource(process.env.MAP_TILE_URL) ? { 'content-security-policy': webAppCsp({ imageSources: [tileSource(process.env.MAP_TILE_URL) as string] }) } : {}),
    };
    const compressible = COMPRESSIBLE.test(contentType);
    if (compressible) headers.vary = 'Accept-Encoding';
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, headers);
      return void response.end();
    }

    let body: Buffer = await readFile(file);
    const encoding = compressible && body.length >= MIN_COMPRESSED_BYTES ? preferredEncoding(request.headers['accept-encoding']) : undefined;
    if (encoding) {
      body = await compress(`${file}:${etag}`, body, encoding);
      headers['content-encoding'] = encoding;
    }
    headers['content-length'] = String(body.length);
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch (error) {
    if (!response.headersSent) plain(response, 500, `The web app could not be served: ${error instanceof Error ? error.message : String(error)}`);
    else response.destroy();
  }
}

/** The file's real path (links followed) is inside the real output folder. */
function isInside(file: string, root: string): boolean {
  try {
    const realRoot = realpathSync(root);
    return realpathSync(file).startsWith(realRoot + sep);
  } catch {
    return false;
  }
}
