import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApiServer, type LocalApiServer } from '../../infra/local/api-server.js';
import { IMMUTABLE_CACHE_CONTROL, WEB_APP_CSP } from '../../infra/web-app.js';
import { fallbackRoute } from '../../shared/app/routes.js';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';

/**
 * The web app on the local API's port (`infra/local/web-app.ts`), against the real local runtime
 * with a fixture of Vite's output (`tests/fixtures/web-dist/`: index.html, hashed assets).
 */
const FIXTURE = resolve('tests/fixtures/web-dist');
const fixture = (path: string) => readFileSync(join(FIXTURE, path));

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** A request sent byte for byte as written (fetch would normalise `..` and backslashes away). */
function raw(baseUrl: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Raw> {
  const url = new URL(baseUrl);
  return new Promise((done, fail) => {
    const request = httpRequest({ host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        done({ status: response.statusCode ?? 0, headers: response.headers, body, text: body.toString('utf8') });
      });
      response.on('error', fail);
    });
    request.on('error', fail);
    request.end();
  });
}

let api: TestApi;
let noDist: TestApi;
const get = (path: string, headers: Record<string, string> = {}) => raw(api.runtime.apiUrl, path, { headers });

beforeAll(async () => {
  [api, noDist] = await Promise.all([
    startTestApi({ webApp: { distDir: FIXTURE } }),
    startTestApi({ webApp: { distDir: join(tmpdir(), 'delivery-hub-no-such-web-dist') } }),
  ]);
});
afterAll(async () => {
  await Promise.all([api?.stop(), noDist?.stop()]);
});

describe('the app at /app/', () => {
  it('answers index.html at /app/, revalidated each time, with the security headers', async () => {
    const response = await get('/app/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toBe(WEB_APP_CSP);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(response.body.equals(fixture('index.html'))).toBe(true);
  });

  it('answers index.html for a deep link (client-side routing), and for /app/index.html itself', async () => {
    for (const path of ['/app/deliveries/123', '/app/deliveries/123/', '/app/settings', '/app/deliveries/123?tab=timeline', '/app/index.html']) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers['content-type'], path).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control'], path).toBe('no-cache');
      expect(response.text, path).toContain('Coursiers (fixture)');
    }
  });

  it('redirects /app to /app/ (the query kept), and / to /app/', async () => {
    const app = await get('/app');
    expect(app.status).toBe(301);
    expect(app.headers.location).toBe('/app/');
    expect((await get('/app?lang=en')).headers.location).toBe('/app/?lang=en');
    const root = await get('/');
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/app/');
  });

  it('serves the hashed assets with their content type, cached a year as immutable', async () => {
    for (const [path, type] of [
      ['/app/assets/app-abc123.js', 'text/javascript; charset=utf-8'],
      ['/app/assets/vendor-def456.js', 'text/javascript; charset=utf-8'],
      ['/app/assets/app-abc123.css', 'text/css; charset=utf-8'],
    ] as const) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers['content-type'], path).toBe(type);
      expect(response.headers['cache-control'], path).toBe(IMMUTABLE_CACHE_CONTROL);
      expect(response.headers['cache-control'], path).toBe('public, max-age=31536000, immutable');
      expect(response.body.equals(fixture(path.slice('/app/'.length))), path).toBe(true);
    }
  });

  it('answers 404 for a missing file (a path whose last segment has a dot), not index.html', async () => {
    for (const path of ['/app/assets/missing-000000.js', '/app/favicon.ico', '/app/assets/app-abc123.js.map']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.headers['content-type'], path).toBe('text/plain; charset=utf-8');
      expect(response.headers['cache-control'], path).toBe('no-store');
    }
  });

  it('compresses with brotli or gzip as the client accepts, once per file, and not what is too small to gain', async () => {
    const original = fixture('assets/app-abc123.js');
    const br = await get('/app/assets/app-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(original.length);
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);

    const gzip = await get('/app/assets/app-abc123.js', { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(original)).toBe(true);

    const refused = await get('/app/assets/app-abc123.js', { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(original)).toBe(true);
    expect((await get('/app/assets/app-abc123.js')).headers['content-encoding']).toBeUndefined();
    // 60 bytes: sent as they are.
    expect((await get('/app/assets/vendor-def456.js', { 'accept-encoding': 'br' })).headers['content-encoding']).toBeUndefined();
  });

  it('answers 304 to a revalidation with the same ETag, and HEAD without a body', async () => {
    const first = await get('/app/');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"/);
    const again = await get('/app/', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const head = await raw(api.runtime.apiUrl, '/app/assets/app-abc123.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(fixture('assets/app-abc123.js').length));
    expect(head.body.length).toBe(0);
  });

  it('answers GET and HEAD only; other methods on / and /app are the API\'s (its 404)', async () => {
    const response = await raw(api.runtime.apiUrl, '/app/deliveries', { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
    for (const path of ['/', '/app']) expectError(await api.call('POST', path, { key: null, body: {} }), 404, 'route_not_found');
  });
});

describe('nothing outside the built app', () => {
  const secret = readFileSync('package.json', 'utf8');
  const attempts = [
    '/app/../package.json',
    '/app/assets/../../package.json',
    '/app/assets/../../../package.json',
    '/app/%2e%2e/package.json',
    '/app/%2E%2E/%2e%2e/package.json',
    '/app/assets/%2e%2e/%2e%2e/package.json',
    '/app/..%2fpackage.json',
    '/app/assets/..%2F..%2Fpackage.json',
    '/app/..%5cpackage.json',
    '/app/..\\package.json',
    '/app/assets\\..\\..\\package.json',
    '/app\\..\\package.json',
    '/app/%00/../package.json',
    '/app/assets/%2e%2e%5c%2e%2e%5cpackage.json',
    '/app/%2fetc%2fpasswd',
    '/app/./index.html',
    '/app//etc/passwd',
    '/app/.vite/manifest.json',
    '/app/assets/.hidden.js',
  ];

  it.each(attempts)('%s: 404, and not the file', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(response.text).not.toContain('"name": "delivery-hub"');
    expect(response.text).not.toContain(secret.slice(0, 40));
    expect(response.text).not.toContain('root:');
  });

  describe('a link inside the build that leads out of it', () => {
    let server: LocalApiServer;
    let dist: string;
    beforeAll(async () => {
      dist = mkdtempSync(join(tmpdir(), 'web-dist-'));
      cpSync(FIXTURE, dist, { recursive: true });
      symlinkSync(resolve('package.json'), join(dist, 'assets', 'leak-000000.json'));
      symlinkSync(resolve('shared'), join(dist, 'assets', 'shared'));
      server = await startLocalApiServer({ port: 0, routes: [], fallbackHandler: fallbackRoute.handler, webApp: { distDir: dist } });
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(dist, { recursive: true, force: true });
    });

    it('is not followed', async () => {
      expect((await raw(server.url, '/app/assets/leak-000000.json')).status).toBe(404);
      expect((await raw(server.url, '/app/assets/shared/config.ts')).status).toBe(404);
      expect((await raw(server.url, '/app/assets/app-abc123.js')).status).toBe(200);
    });
  });
});

describe('the API beside it', () => {
  it('answers its routes as before', async () => {
    const health = await api.call('GET', '/health', { key: null });
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok' });
    const openapi = await api.call('GET', '/v1/openapi.json', { key: null });
    expect(openapi.status).toBe(200);
    expect(openapi.json.openapi).toBe('3.1.0');
    const tenants = await api.call('GET', '/v1/tenants');
    expect(tenants.status).toBe(200);
  });

  it("answers the contract's 404 for unknown paths, /application and /apps included", async () => {
    for (const path of ['/v1/no-such-thing', '/application', '/apps/x', '/favicon.ico']) {
      expectError(await api.call('GET', path, { key: null }), 404, 'route_not_found');
    }
  });
});

describe('when the app is not built', () => {
  it('/app answers 503 with a plain message saying how to build it', async () => {
    for (const path of ['/app/', '/app/deliveries/123', '/app/assets/app-abc123.js']) {
      const response = await raw(noDist.runtime.apiUrl, path);
      expect(response.status, path).toBe(503);
      expect(response.headers['content-type'], path).toBe('text/plain; charset=utf-8');
      expect(response.text, path).toContain('The web app is not built');
      expect(response.text, path).toContain('npm run build:web');
    }
    expect((await raw(noDist.runtime.apiUrl, '/app')).headers.location).toBe('/app/');
    expect((await noDist.call('GET', '/health', { key: null })).status).toBe(200);
  });

  it('and while its build has failed, with what failed', async () => {
    let problem: string | undefined = 'The web app could not be built: [PARSE_ERROR] Expected `)`. Fix web/, then restart npm start.';
    const server = await startLocalApiServer({ port: 0, routes: [], fallbackHandler: fallbackRoute.handler, webApp: { distDir: FIXTURE, problem: () => problem } });
    try {
      const failed = await raw(server.url, '/app/');
      expect(failed.status).toBe(503);
      expect(failed.text).toContain('[PARSE_ERROR]');
      problem = undefined; // a later build succeeded
      expect((await raw(server.url, '/app/')).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
