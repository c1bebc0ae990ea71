import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root (as `infra/bundling.ts` says it, without loading the CDK for `npm start`). */
const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** A path as the project's messages show it: relative to the root when inside it. */
function shown(path: string): string {
  const inside = relative(projectRoot, path);
  return inside === '' || inside.startsWith('..') ? path : inside;
}

/**
 * Building the web app (`web/`, Vite) when its build is missing or older than its sources: the one
 * helper `npm start` (before it listens), `cdk synth` (before the stack reads `web/dist`) and the
 * bench use, through Vite's JS API with the app's own config file (what `npm run build:web` runs).
 */
export interface WebAppPaths {
  /** The app's folder (`web/`). */
  webDir: string;
  /** Vite's output (`web/dist/`): its `index.html` dates the last build. */
  distDir: string;
  /** Vite's config (`web/vite.config.ts`). */
  configFile: string;
  /** Where a build is written before it replaces `distDir`, and the lock of concurrent builds (same file system as `distDir`). */
  workDir: string;
}

export const defaultWebAppPaths: WebAppPaths = {
  webDir: join(projectRoot, 'web'),
  distDir: join(projectRoot, 'web', 'dist'),
  configFile: join(projectRoot, 'web', 'vite.config.ts'),
  workDir: join(projectRoot, 'node_modules', '.cache', 'web-build'),
};

export type WebBuildStatus =
  /** No `web/` folder (or no Vite config in it): nothing to build. */
  | { state: 'no-app' }
  | { state: 'fresh' }
  | { state: 'stale'; reason: string };

/** Folders under `web/` that are not sources of the build. */
const NOT_SOURCES = new Set(['node_modules', '.vite', '.cache', 'coverage', 'test-results']);

/** The newest file under `dir` (sources of the build: not the output, not dependencies, no dotfiles). */
function newestSource(dir: string, skip: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || NOT_SOURCES.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (resolve(path) === skip) continue;
    let candidate: { path: string; mtimeMs: number } | undefined;
    if (entry.isDirectory()) candidate = newestSource(path, skip);
    else if (entry.isFile() || entry.isSymbolicLink()) {
      try {
        candidate = { path, mtimeMs: statSync(path).mtimeMs };
      } catch {
        candidate = undefined; // a dangling link: not a source
      }
    }
    if (candidate && (!newest || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
  }
  return newest;
}

/**
 * Whether the app needs a build: its `dist/index.html` is missing, or older than a file under
 * `web/` (its sources, `index.html`, `vite.config.ts`…; the output and `node_modules` aside).
 */
export function webBuildStatus(paths: WebAppPaths = defaultWebAppPaths): WebBuildStatus {
  if (!existsSync(paths.webDir) || !existsSync(paths.configFile)) return { state: 'no-app' };
  const index = join(paths.distDir, 'index.html');
  if (!existsSync(index)) return { state: 'stale', reason: `${shown(index)} is missing` };
  const built = statSync(index).mtimeMs;
  const newest = newestSource(paths.webDir, resolve(paths.distDir));
  if (newest && newest.mtimeMs > built) return { state: 'stale', reason: `${shown(newest.path)} changed since the last build` };
  return { state: 'fresh' };
}

export type WebBuildResult = { ok: true; ms: number } | { ok: false; ms: number; error: string };

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One build at a time per output folder, across processes (`npm start`, the tests that start it,
 * `cdk synth`, the bench may all find the build stale at once): a lock folder holding the
 * builder's pid; a lock whose process has gone is taken over.
 */
async function withBuildLock<T>(paths: WebAppPaths, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const lock = join(paths.workDir, 'lock');
  mkdirSync(paths.workDir, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // Being written, or removed: look again.
      }
      if (Number.isInteger(owner) && owner > 0 && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another build of the web app (pid ${owner}) still holds ${lock}`);
      else await pause(200);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Puts the new build in place of the old one: two renames, so a reader never sees a half-written folder. */
function swapInto(built: string, distDir: string): void {
  const old = `${built}-old`;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      renameSync(distDir, old);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    try {
      renameSync(built, distDir);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EXDEV') {
        cpSync(built, distDir, { recursive: true });
        break;
      }
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  }
  rmSync(old, { recursive: true, force: true });
  rmSync(built, { recursive: true, force: true });
}

/**
 * Builds the app with Vite's JS API and its config file, into a folder of its own that then
 * replaces `paths.distDir` whole: a failed build leaves the previous one as it was. Never throws:
 * a failure is returned with Vite's message.
 */
export async function buildWebApp(paths: WebAppPaths = defaultWebAppPaths): Promise<WebBuildResult> {
  const started = Date.now();
  const built = join(paths.workDir, `dist-${process.pid}-${Date.now().toString(36)}`);
  try {
    // Imported here: Vite (and Rolldown) load only when there is something to build.
    const { build, createLogger } = await import('vite');
    // Vite's warnings as it says them (a chunk too large…); its errors are said once, by the caller.
    const logger = createLogger('warn');
    logger.error = () => undefined;
    await build({ configFile: paths.configFile, customLogger: logger, logLevel: 'warn', mode: 'production', build: { outDir: built, emptyOutDir: true } });
    if (!existsSync(join(built, 'index.html'))) throw new Error(`the build wrote no index.html (is index.html the entry of ${shown(paths.configFile)}?)`);
    swapInto(built, paths.distDir);
    return { ok: true, ms: Date.now() - started };
  } catch (error) {
    rmSync(built, { recursive: true, force: true });
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, ms: Date.now() - started, error: message.trim().split('\n').slice(0, 8).join('\n') };
  }
}

/** The line of a build error that says what is wrong (not Rolldown's `Build failed with 1 error:`). */
export function errorSummary(error: string): string {
  const lines = error.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.find((line) => !/^build failed with \d+ errors?:?$/i.test(line)) ?? lines[0] ?? 'unknown error';
}

export type EnsureWebAppResult =
  | { state: 'no-app' | 'fresh' }
  | { state: 'built'; reason: string; ms: number }
  | { state: 'failed'; reason: string; error: string };

/**
 * Builds the app if it needs it (`webBuildStatus`), saying so in one line (`log`; `error` for a
 * failure, followed by Vite's message). Waits for a build another process is making, then looks again.
 */
export async function ensureWebApp(
  options: { paths?: WebAppPaths; log?: (line: string) => void; error?: (line: string) => void; lockTimeoutMs?: number } = {},
): Promise<EnsureWebAppResult> {
  const paths = options.paths ?? defaultWebAppPaths;
  const log = options.log ?? ((line: string) => console.log(line));
  const logError = options.error ?? ((line: string) => console.error(line));
  const before = webBuildStatus(paths);
  if (before.state !== 'stale') return { state: before.state };
  return withBuildLock(paths, options.lockTimeoutMs ?? 180_000, async (): Promise<EnsureWebAppResult> => {
    // Another process may have built it while this one waited for the lock.
    const status = webBuildStatus(paths);
    if (status.state !== 'stale') return { state: status.state };
    const result = await buildWebApp(paths);
    const dist = shown(paths.distDir);
    if (result.ok) {
      log(`Web app built into ${dist} in ${(result.ms / 1000).toFixed(1)} s (${status.reason}).`);
      return { state: 'built', reason: status.reason, ms: result.ms };
    }
    logError(`Web app build FAILED (${status.reason}): ${errorSummary(result.error)}`);
    const details = result.error.split('\n').filter((line) => line.trim() !== '');
    if (details.length > 1) logError(details.map((line) => `  ${line}`).join('\n'));
    return { state: 'failed', reason: status.reason, error: result.error };
  }).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    logError(`Web app build FAILED (${before.reason}): ${message}`);
    return { state: 'failed', reason: before.reason, error: message };
  });
}
