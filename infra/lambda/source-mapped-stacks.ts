import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Injected at the top of every Lambda bundle (esbuild `inject`, `infra/bundling.ts`): stack
 * traces that point into the TypeScript sources, like `--enable-source-maps`, but paid for only
 * when a stack trace is read. `--enable-source-maps` reads and parses the bundle's source map
 * (600 KB and more of JSON) as the bundle loads, in every cold start (7–9 ms measured by the
 * benchmark), though most invocations never format a stack. Here V8's `Error.prepareStackTrace`
 * hook, called when an error's `stack` is first read (a logged 5xx, a consumer's error that the
 * Lambda runtime logs), maps each frame in this bundle through `index.mjs.map`, read on that
 * first use and kept. Frames elsewhere (Node's own) are left as V8 writes them.
 */

/** The bundle this module is part of: `import.meta.url` is the bundle's own URL once bundled. */
const bundleUrl = import.meta.url;
const bundlePath = bundleUrl.startsWith('file:') ? fileURLToPath(bundleUrl) : bundleUrl;

let sourceMap: SourceMap | null | undefined;

function loadSourceMap(): SourceMap | null {
  if (sourceMap !== undefined) return sourceMap;
  try {
    sourceMap = new SourceMap(JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
  } catch {
    sourceMap = null; // no map beside the bundle: stacks stay as they are
  }
  return sourceMap;
}

/** `…/index.mjs:1:2345` → `shared/http/handler.ts:120:7` (the map's sources are relative to the bundle). */
function mapFrame(frame: string): string {
  return frame.replace(/(file:\/\/\/?[^\s()]+|\/[^\s():]+):(\d+):(\d+)/g, (whole: string, file: string, line: string, column: string) => {
    if (file !== bundlePath && file !== bundleUrl) return whole;
    const map = loadSourceMap();
    if (!map) return whole;
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (!entry.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) return whole;
    const source = entry.originalSource.replace(/^(?:file:\/\/)?(?:\.\.\/)*/, '');
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

/** V8's first line of a stack: `Name: message`, or the name alone. */
function headline(error: unknown): string {
  try {
    return String(error);
  } catch {
    return 'Error';
  }
}

Error.prepareStackTrace = (error: Error, callSites: NodeJS.CallSite[]): string => {
  try {
    return [headline(error), ...callSites.map((site) => `    at ${mapFrame(String(site))}`)].join('\n');
  } catch {
    return [headline(error), ...callSites.map((site) => `    at ${String(site)}`)].join('\n');
  }
};
