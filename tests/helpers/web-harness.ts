import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, resolve, sep } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import type { LocalRuntimeOptions } from '../../infra/local/runtime.js';
import { startTestApi, type TestApi } from './runtime.js';
import { sharedBuildDir } from './web-build-dir.js';

export { sharedBuildDir } from './web-build-dir.js';

/**
 * The web app (`web/`) in a real browser against the real local runtime, for the browser journeys
 * of tests/e2e/ (web-app, courier-app, dispatch-board…). One call starts everything, one call
 * stops everything:
 *
 * ```ts
 * let web: WebHarness;
 * beforeAll(async () => { web = await startWebHarness(); }, 120_000);
 * afterAll(async () => { await web?.stop(); });
 *
 * it('…', async () => {
 *   await web.api.call('POST', '/v1/hub/users', { body: { email, name, role: 'admin' } });   // admin key
 *   const { context, page, problems } = await web.open({ ...PHONE, locale: 'fr-FR' });
 *   try {
 *     await web.signIn(page, { email }, 'hub', 'fr');   // 'hub' for hub people, else the tenant id
 *     await web.audit(page, 'my page');                 // axe-core: no serious/critical violation
 *     await web.shot(page, 'my-page-fr-390');           // no sideways scroll, then a screenshot
 *     expect(problems).toEqual([]);                     // console errors, failed requests
 *   } finally {
 *     await context.close();
 *   }
 * });
 * ```
 *
 * - The app is built once per harness with Vite's JS API into a temporary folder (removed by
 *   `stop`), so a test never depends on, nor touches, `web/dist`.
 * - The runtime (tests/helpers/runtime.ts: its own DynamoDB table, free ports, the hub admin key
 *   `ADMIN_KEY` used by `api.call` by default) serves the app at `/app` on the API's origin, so
 *   the app and the API share one origin and the session cookie. Where it would not, a small
 *   server here serves the build and passes everything else through.
 * - Chromium is Debian's (`/usr/bin/chromium`, or `CHROMIUM_PATH`), driven by playwright-core.
 * - `stop()` closes the browser, the pass-through server and the runtime, and removes the build,
 *   whatever failed before; a harness that fails to start stops what it had started.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots land here (ignored by git). */
export const ARTIFACTS = resolve('tests/e2e/artifacts');
/** A phone (390 px, touch) and a desktop: spread into `open`'s options with a `locale`. */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The Paris date `days` from today (`YYYY-MM-DD`), as slots, shifts and rounds take it. */
export function parisDay(days = 0): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const [year, month, day] = today.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** A browser context and its page, with what went wrong in it (console errors, failed requests). */
export interface Session {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

export interface WebHarnessOptions {
  /** Options of the local runtime (merged over the test defaults; `webApp.distDir` is the harness's build). */
  runtime?: Partial<LocalRuntimeOptions>;
  /** Prefix of screenshot file names in tests/e2e/artifacts/ (default `web-`). */
  shotPrefix?: string;
  /** Console errors to accept besides the defaults (4xx the journeys provoke on purpose). */
  expectedConsole?: RegExp;
  /**
   * The host name the browser opens the app with: `127.0.0.1` (the runtime's `apiUrl`) by default,
   * or `localhost`, the one of the runtime's `PUBLIC_BASE_URL`, which sign-in links and the local
   * photo store's upload URLs use (the app's CSP lets it post only to its own origin).
   */
  host?: '127.0.0.1' | 'localhost';
}

export interface WebHarness {
  /** The API (admin key by default in `api.call`; `{ key }` for another). */
  api: TestApi;
  /** Where the browser opens the app: `${origin}/app/…`. */
  origin: string;
  browser: Browser;
  /** The Vite build the runtime serves. */
  distDir: string;
  /** A fresh browser context (use PHONE or DESKTOP and a `locale`), recording its problems. */
  open(options: BrowserContextOptions): Promise<Session>;
  /** axe-core in the page: no serious or critical violation (fails the test with the list). */
  audit(page: Page, name: string): Promise<void>;
  /** Checks the page does not scroll sideways, then saves a full-page screenshot `<prefix><name>.png`. */
  shot(page: Page, name: string): Promise<void>;
  /** The sign-in link of the last e-mail to `email` (tenantId of the person, or 'hub'). */
  signInLink(email: string, tenantId: string): Promise<string>;
  /** Signs in as a person would: the e-mail address in the form, then the link from the e-mail. */
  signIn(page: Page, person: { email: string }, tenantId: string, lang: 'fr' | 'en'): Promise<void>;
  /** Stops everything (idempotent). */
  stop(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/** Serves `distDir` at /app/ (index.html for client routes) and passes everything else to the runtime. */
function startOwnServer(distDir: string, target: URL): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] as string);
    if (path === '/app' || path.startsWith('/app/')) {
      const relative = path.slice('/app/'.length);
      const last = relative.slice(relative.lastIndexOf('/') + 1);
      const file = last.includes('.') ? resolve(distDir, relative) : join(distDir, 'index.html');
      if (!file.startsWith(distDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' }).end(readFileSync(file));
      return;
    }
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

/**
 * The app is built once per test run, whatever the number of browser test files: the first file
 * to get here builds it into the run's folder (`sharedBuildDir`), under a lock; the others wait
 * for its marker. The run's global teardown removes it (tests/helpers/global-setup.ts), and a
 * build that failed is retried by the next file.
 */
async function buildOnce(): Promise<string> {
  const root = sharedBuildDir();
  const distDir = join(root, 'dist');
  const done = join(root, 'built');
  const lock = join(root, 'lock');
  mkdirSync(root, { recursive: true });
  for (let waited = 0; !existsSync(done); waited += 1) {
    let mine = false;
    try {
      mkdirSync(lock);
      mine = true;
    } catch {
      if (waited > 1800) throw new Error(`The web app's shared build (${root}) did not finish within 3 minutes.`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      if (!existsSync(done)) {
        await build({ configFile: resolve('web/vite.config.ts'), logLevel: 'warn', build: { outDir: distDir, emptyOutDir: true } });
        writeFileSync(done, new Date().toISOString());
      }
    } finally {
      if (mine) rmSync(lock, { recursive: true, force: true });
    }
  }
  return distDir;
}

export async function startWebHarness(options: WebHarnessOptions = {}): Promise<WebHarness> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const shotPrefix = options.shotPrefix ?? 'web-';
  let api: TestApi | undefined;
  let browser: Browser | undefined;
  let own: Server | undefined;
  let distDir = '';

  // Killed before `stop` (Ctrl+C on vitest): Playwright closes its Chromium on the signal, and
  // the runtime's servers end with the process. The shared build goes with the run.

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      try {
        await browser?.close().catch(() => undefined);
        await new Promise((done) => (own ? own.close(done) : done(undefined)));
      } finally {
        await api?.stop();
      }
    })());

  let origin: string;
  try {
    distDir = await buildOnce();
    api = await startTestApi({ ...options.runtime, webApp: { distDir } } as Partial<LocalRuntimeOptions>);
    const apiUrl = api.runtime.apiUrl;
    const served = await fetch(`${apiUrl}/app/deliveries`).then(async (r) => r.ok && (await r.text()).includes('id="root"'), () => false);
    if (served) {
      const url = new URL(apiUrl);
      if (options.host) url.hostname = options.host;
      origin = url.origin;
    } else {
      own = await startOwnServer(distDir, new URL(apiUrl));
      origin = `http://127.0.0.1:${(own.address() as { port: number }).port}`;
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const theApi = api;
  const theBrowser = browser;

  const open = async (contextOptions: BrowserContextOptions): Promise<Session> => {
    const context = await theBrowser.newContext(contextOptions);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // Chromium logs every 4xx as a failed load: the app asking who is signed in before anyone is
      // (GET /v1/me, 401), and the refusals the journeys provoke on purpose (404, 409), are expected.
      const text = message.text();
      const expected = /status of (404|409)/.test(text) || (/status of 401/.test(text) && message.location().url.endsWith('/v1/me')) || (options.expectedConsole?.test(text) ?? false);
      if (!expected) problems.push(`console: ${text} (${message.location().url})`);
    });
    page.on('requestfailed', (request) => {
      if (!/net::ERR_ABORTED/.test(request.failure()?.errorText ?? '')) problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
    });
    return { context, page, problems };
  };

  /**
   * The app's Content-Security-Policy (`script-src 'self'`) refuses inline scripts, so
   * `addScriptTag({ content })` is blocked; the DevTools protocol's evaluation is not subject to the
   * page's CSP, so axe is injected through it, and the CSP stays on for everything the app does.
   */
  const audit = async (page: Page, name: string): Promise<void> => {
    if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
      const result = await axe.run(globalThis as unknown, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) }));
    });
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious, `${name}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
  };

  const shot = async (page: Page, name: string): Promise<void> => {
    const widths = await page.evaluate(() => {
      type Box = { right: number };
      type Element = { tagName: string; className: string; getBoundingClientRect(): Box };
      const { document } = globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll(selector: string): Iterable<Element> } };
      const client = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')].filter((element) => element.getBoundingClientRect().right > client + 1);
      return { scroll: document.documentElement.scrollWidth, client, wide: wide.slice(0, 8).map((element) => `${element.tagName}.${element.className}`) };
    });
    expect(widths.scroll, `${name} scrolls sideways: ${widths.wide.join(', ')}`).toBeLessThanOrEqual(widths.client);
    await page.screenshot({ path: join(ARTIFACTS, `${shotPrefix}${name}.png`), fullPage: true });
  };

  const signInLink = async (email: string, tenantId: string): Promise<string> => {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const mail = await theApi.call('GET', `/v1/hub/notifications?tenantId=${encodeURIComponent(tenantId)}&limit=50`);
      expect(mail.status, mail.text).toBe(200);
      const found = (mail.json.data as Array<{ to: string; text: string }>).find((item) => item.to === email && item.text.includes('/app/sign-in#token='));
      const link = found?.text.match(/https?:\/\/\S+\/app\/sign-in#token=[A-Za-z0-9_-]{43}/)?.[0];
      if (link) return link;
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`no sign-in e-mail for ${email}`);
  };

  const signIn = async (page: Page, person: { email: string }, tenantId: string, lang: 'fr' | 'en'): Promise<void> => {
    await page.goto(`${origin}/app/`);
    await page.getByRole('heading', { name: lang === 'fr' ? 'Se connecter' : 'Sign in' }).waitFor();
    await page.getByLabel(lang === 'fr' ? 'Adresse e-mail' : 'E-mail address').fill(person.email);
    await page.getByRole('button', { name: lang === 'fr' ? 'Recevoir le lien de connexion' : 'Send me the sign-in link' }).click();
    await page.getByRole('heading', { name: lang === 'fr' ? 'Consultez votre boîte mail' : 'Check your inbox' }).waitFor();
    const link = new URL(await signInLink(person.email, tenantId));
    await page.goto(`${origin}${link.pathname}${link.hash}`);
    await page.getByRole('button', { name: lang === 'fr' ? 'Se déconnecter' : 'Sign out' }).waitFor();
    // The token never stays in the address bar.
    expect(page.url()).not.toContain('token=');
  };

  return { api: theApi, origin, browser: theBrowser, distDir, open, audit, shot, signInLink, signIn, stop };
}
