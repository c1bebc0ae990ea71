import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureWebApp, errorSummary, webBuildStatus, type WebAppPaths } from '../../infra/web-build.js';

/**
 * "Build when needed" (`infra/web-build.ts`, used by `npm start`, `cdk synth` and the bench):
 * the staleness check on temporary folders, and a real Vite build of a tiny app.
 */
let root: string;
let paths: WebAppPaths;

function write(path: string, content: string, secondsAgo: number): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  const at = Date.now() / 1000 - secondsAgo;
  utimesSync(file, at, at);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'web-build-'));
  paths = { webDir: join(root, 'web'), distDir: join(root, 'web', 'dist'), configFile: join(root, 'web', 'vite.config.mjs'), workDir: join(root, 'work') };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** An app built 60 s ago from sources 100 s old. */
function builtApp(): void {
  write('web/vite.config.mjs', 'export default {};', 100);
  write('web/index.html', '<!doctype html>', 100);
  write('web/src/main.tsx', 'export {};', 100);
  write('web/src/pages/deliveries.tsx', 'export {};', 100);
  write('web/dist/index.html', '<!doctype html>', 60);
  write('web/dist/assets/index-abc123.js', '', 60);
}

describe('webBuildStatus', () => {
  it('has nothing to build without a web/ folder, or without its Vite config', () => {
    expect(webBuildStatus(paths)).toEqual({ state: 'no-app' });
    write('web/index.html', '<!doctype html>', 10);
    expect(webBuildStatus(paths)).toEqual({ state: 'no-app' });
  });

  it('builds when dist/index.html is missing', () => {
    builtApp();
    rmSync(join(paths.distDir, 'index.html'));
    expect(webBuildStatus(paths)).toEqual({ state: 'stale', reason: `${join(paths.distDir, 'index.html')} is missing` });
    rmSync(paths.distDir, { recursive: true });
    expect(webBuildStatus(paths).state).toBe('stale');
  });

  it('is fresh when index.html is newer than every source', () => {
    builtApp();
    expect(webBuildStatus(paths)).toEqual({ state: 'fresh' });
  });

  it('is stale when a source changed after the build, wherever it is under web/, and says which', () => {
    for (const source of ['web/src/pages/deliveries.tsx', 'web/index.html', 'web/vite.config.mjs', 'web/public/favicon.svg', 'web/tsconfig.json']) {
      builtApp();
      write(source, 'changed', 10);
      expect(webBuildStatus(paths), source).toEqual({ state: 'stale', reason: `${join(root, source)} changed since the last build` });
      rmSync(join(root, 'web'), { recursive: true });
    }
  });

  it('ignores what is not a source: the output itself, node_modules, dotfiles and folders', () => {
    builtApp();
    write('web/dist/assets/later-000000.js', '', 1);
    write('web/node_modules/.vite/deps/preact.js', '', 1);
    write('web/.eslintcache', '', 1);
    write('web/.vite/manifest.json', '', 1);
    expect(webBuildStatus(paths)).toEqual({ state: 'fresh' });
  });
});

describe('errorSummary', () => {
  it("keeps the line that says what is wrong, not Rolldown's preamble", () => {
    expect(errorSummary('Build failed with 1 error:\n\n[PARSE_ERROR] Expected `)` but found `EOF`\n   ╭─[ src/main.js:1:44 ]')).toBe('[PARSE_ERROR] Expected `)` but found `EOF`');
    expect(errorSummary('Could not resolve entry module "index.html".')).toBe('Could not resolve entry module "index.html".');
    expect(errorSummary('')).toBe('unknown error');
  });
});

describe('ensureWebApp', () => {
  it('does nothing, and says nothing, when there is no app or it is fresh', async () => {
    const lines: string[] = [];
    expect(await ensureWebApp({ paths, log: (line) => lines.push(line), error: (line) => lines.push(line) })).toEqual({ state: 'no-app' });
    builtApp();
    expect(await ensureWebApp({ paths, log: (line) => lines.push(line), error: (line) => lines.push(line) })).toEqual({ state: 'fresh' });
    expect(lines).toEqual([]);
    expect(existsSync(paths.workDir)).toBe(false);
  });

  it(
    'builds a stale app with Vite, once when asked twice at once, in one line; a failed build says what failed and keeps the last good build',
    async () => {
      // A tiny app, its config with no import (the temporary folder has no node_modules).
      write('web/vite.config.mjs', "import { fileURLToPath } from 'node:url';\nexport default { root: fileURLToPath(new URL('.', import.meta.url)), base: '/app/', build: { manifest: true } };\n", 100);
      write('web/index.html', '<!doctype html><html><head><title>t</title></head><body><div id="app"></div><script type="module" src="/src/main.js"></script></body></html>\n', 100);
      write('web/src/main.js', "import { hello } from './hello.js';\ndocument.getElementById('app').textContent = hello();\n", 100);
      write('web/src/hello.js', "export const hello = () => 'Bonjour';\n", 100);

      const lines: string[] = [];
      const log = (line: string) => lines.push(line);
      const results = await Promise.all([ensureWebApp({ paths, log, error: log }), ensureWebApp({ paths, log, error: log })]);
      expect(results.map((result) => result.state).sort()).toEqual(['built', 'fresh']);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Web app built into ${paths.distDir} in \\d+\\.\\d s \\(.*index\\.html is missing\\)\\.$`));
      const html = readFileSync(join(paths.distDir, 'index.html'), 'utf8');
      expect(html).toMatch(/<script type="module" crossorigin src="\/app\/assets\/index-[\w-]+\.js"><\/script>/);
      expect(existsSync(join(paths.distDir, '.vite', 'manifest.json'))).toBe(true);
      expect(webBuildStatus(paths)).toEqual({ state: 'fresh' });
      // The build was made aside, then put in place: nothing left behind, the lock released.
      expect(readdirSync(paths.workDir)).toEqual([]);

      // A broken source: the build fails, says why in one line (then Vite's details), and the last good build stays.
      const before = readdirSync(join(paths.distDir, 'assets'));
      write('web/src/main.js', "import { hello } from './hello.js';\nhello(\n", 0);
      lines.length = 0;
      const failed = await ensureWebApp({ paths, log, error: log });
      expect(failed.state).toBe('failed');
      expect(lines[0]).toMatch(/^Web app build FAILED \(.*main\.js changed since the last build\): /);
      expect(readdirSync(join(paths.distDir, 'assets'))).toEqual(before);
      expect(readdirSync(paths.workDir)).toEqual([]);
    },
    60_000,
  );
});
