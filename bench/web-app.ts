import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { projectRoot } from '../infra/bundling.js';
import { WEB_APP_PREFIX } from '../infra/web-app.js';
import { defaultWebAppPaths, ensureWebApp, errorSummary, webBuildStatus, type WebAppPaths } from '../infra/web-build.js';
import { table } from './report.js';
import type { OfflineContext, OfflineSection, SectionResult } from './section.js';

/** Issue 15: the first screen loads at most 100 KB of compressed JavaScript (KB = 1,024 bytes, as the bundle section counts). */
export const FIRST_SCREEN_BUDGET_BYTES = 100 * 1024;

export const kb = (bytes: number) => (bytes / 1024).toFixed(1);

export interface Script {
  /** Relative to the build folder (`assets/index-abc123.js`). */
  file: string;
  /** How the first screen loads it. */
  role: 'entry' | 'static import' | 'script' | 'modulepreload' | 'stylesheet' | 'on demand';
}

export interface Weighed extends Script {
  bytes: number;
  gzip: number;
  brotli: number;
}

/** `/app/assets/x.js` → `assets/x.js`; undefined for what the build does not hold (another origin, a data: URL). */
function builtFile(url: string, base: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) return undefined;
  const path = url.split(/[?#]/)[0] as string;
  if (path.startsWith(base)) return path.slice(base.length);
  return path.startsWith('/') ? path.slice(1) : path;
}

const attribute = (tag: string, name: string) => new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)?.slice(2).find((value) => value !== undefined);

/**
 * The JavaScript the first screen loads, from index.html as Vite writes it: the entry
 * (`<script type="module" src>`), classic scripts, and the `modulepreload` links Vite adds for
 * the entry's static imports. What the app imports dynamically (`import()`) is not in it.
 */
export function scriptsOfHtml(html: string, base = WEB_APP_PREFIX): Script[] {
  const scripts: Script[] = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = attribute(tag, 'src');
    const file = src === undefined ? undefined : builtFile(src, base);
    if (file) scripts.push({ file, role: /type\s*=\s*["']?module/i.test(tag) ? 'entry' : 'script' });
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = attribute(tag, 'rel') ?? '';
    const href = attribute(tag, 'href');
    const file = href === undefined ? undefined : builtFile(href, base);
    if (file && rel.split(/\s+/).includes('modulepreload')) scripts.push({ file, role: 'modulepreload' });
  }
  return scripts.filter((script, index) => scripts.findIndex((other) => other.file === script.file) === index);
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

/**
 * The same from Vite's manifest (`build.manifest`, `.vite/manifest.json`), when the app's config
 * writes one: the HTML entry's chunk and, recursively, its static imports (not its dynamic ones).
 */
export function scriptsOfManifest(manifest: Record<string, ManifestChunk>): { scripts: Script[]; css: string[]; lazy: string[] } {
  const entryKey = manifest['index.html']?.isEntry ? 'index.html' : Object.keys(manifest).find((key) => manifest[key]?.isEntry);
  if (!entryKey) return { scripts: [], css: [], lazy: [] };
  const scripts: Script[] = [];
  const css = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string, role: Script['role']) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) return;
    scripts.push({ file: chunk.file, role });
    for (const sheet of chunk.css ?? []) css.add(sheet);
    for (const imported of chunk.imports ?? []) visit(imported, 'static import');
  };
  visit(entryKey, 'entry');
  const lazy = new Set<string>();
  const visitLazy = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(key) || lazy.has(chunk.file)) return;
    lazy.add(chunk.file);
    for (const imported of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visitLazy(imported);
  };
  for (const key of seen) for (const dynamic of manifest[key]?.dynamicImports ?? []) visitLazy(dynamic);
  return { scripts, css: [...css], lazy: [...lazy] };
}

/** Raw, gzip (level 9) and brotli (quality 11, text mode) sizes of a file of the build. */
export function weigh(distDir: string, script: Script): Weighed {
  const body = readFileSync(join(distDir, script.file));
  return {
    ...script,
    bytes: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body, {
      params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }).length,
  };
}

export interface FirstScreen {
  /** Where the list of scripts came from. */
  source: 'manifest' | 'index.html';
  scripts: Weighed[];
  total: { bytes: number; gzip: number; brotli: number };
  /** The first screen's style sheets (not counted against the JavaScript budget). */
  css: Weighed[];
  /** Every other JavaScript file of the build: loaded later, on demand. */
  later: Weighed[];
}

function jsFilesOf(distDir: string): string[] {
  const assets = join(distDir, 'assets');
  if (!existsSync(assets)) return [];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.m?js$/.test(entry.name)) files.push(relative(distDir, path));
    }
  };
  walk(assets);
  return files.sort();
}

/** What the first screen of the built app loads: from Vite's manifest when there is one, else from index.html. */
export function firstScreen(distDir: string, base = WEB_APP_PREFIX): FirstScreen {
  const manifestFile = join(distDir, '.vite', 'manifest.json');
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  let source: FirstScreen['source'] = 'index.html';
  let scripts = scriptsOfHtml(html, base);
  let cssFiles = [...html.matchAll(/<link\b[^>]*>/gi)]
    .map(([tag]) => tag)
    .filter((tag) => (attribute(tag, 'rel') ?? '').split(/\s+/).includes('stylesheet'))
    .map((tag) => builtFile(attribute(tag, 'href') ?? '', base))
    .filter((file): file is string => file !== undefined && file !== '');
  if (existsSync(manifestFile)) {
    const fromManifest = scriptsOfManifest(JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, ManifestChunk>);
    if (fromManifest.scripts.length > 0) {
      source = 'manifest';
      // The manifest's chunks, plus any classic script the HTML loads besides.
      scripts = [...fromManifest.scripts, ...scripts.filter((script) => script.role === 'script' && !fromManifest.scripts.some((chunk) => chunk.file === script.file))];
      cssFiles = [...new Set([...fromManifest.css, ...cssFiles])];
    }
  }
  const weighed = scripts.map((script) => weigh(distDir, script));
  const total = weighed.reduce((sum, script) => ({ bytes: sum.bytes + script.bytes, gzip: sum.gzip + script.gzip, brotli: sum.brotli + script.brotli }), { bytes: 0, gzip: 0, brotli: 0 });
  const first = new Set(weighed.map((script) => script.file));
  return {
    source,
    scripts: weighed,
    total,
    css: cssFiles.map((file) => weigh(distDir, { file, role: 'stylesheet' })),
    later: jsFilesOf(distDir)
      .filter((file) => !first.has(file))
      .map((file) => weigh(distDir, { file, role: 'on demand' })),
  };
}

/** The section's report, from a measured first screen (or why there was none). */
export function renderFirstScreen(measured: FirstScreen, budget = FIRST_SCREEN_BUDGET_BYTES): SectionResult {
  const { total } = measured;
  const met = total.gzip <= budget && total.brotli <= budget;
  const lazyTotal = measured.later.reduce((sum, script) => ({ gzip: sum.gzip + script.gzip, brotli: sum.brotli + script.brotli }), { gzip: 0, brotli: 0 });
  const lines = [
    `The web app (\`web/\`) built by Vite with its own config (\`web/vite.config.ts\`), and the JavaScript its first screen loads, read from ` +
      (measured.source === 'manifest'
        ? "Vite's manifest (`build.manifest`): the HTML entry's chunk and, recursively, its static imports"
        : "\`web/dist/index.html\`: the entry \`<script type=\"module\">\` and the \`modulepreload\` links Vite writes for the entry's static imports") +
      '; what the app imports with `import()` loads later, on demand, and is not counted. Each file compressed with `node:zlib`, gzip at level 9 ' +
      '(for a browser without brotli) and brotli at quality 11, as `npm start` sends them; CloudFront compresses on the fly at levels of its own, so its answers may be a little larger. The budget of issue 15: ' +
      `**≤ ${kb(budget)} KB of compressed JavaScript** for the first screen (KB = 1,024 bytes), checked against the gzip size, the larger of the two.`,
    '',
    table(
      ['file', 'loaded as', 'minified KB', 'gzip KB', 'brotli KB'],
      [
        ...measured.scripts.map((script) => [`\`${script.file}\``, script.role, kb(script.bytes), kb(script.gzip), kb(script.brotli)]),
        ['**first screen**', `${measured.scripts.length} file(s)`, kb(total.bytes), `**${kb(total.gzip)}**`, `**${kb(total.brotli)}**`],
      ],
    ),
    '',
    `Against the budget: gzip ${kb(total.gzip)} KB, brotli ${kb(total.brotli)} KB of ${kb(budget)} KB (${((total.gzip / budget) * 100).toFixed(0)} % and ${((total.brotli / budget) * 100).toFixed(0)} %).` +
      (measured.css.length > 0
        ? ` Its style sheets, besides: ${measured.css.map((sheet) => `\`${sheet.file}\` ${kb(sheet.gzip)} KB gzip`).join(', ')}.`
        : '') +
      (measured.later.length > 0
        ? ` Loaded later, on demand: ${measured.later.length} chunk(s), ${kb(lazyTotal.gzip)} KB gzip, ${kb(lazyTotal.brotli)} KB brotli in all.`
        : ''),
  ];
  return {
    title: 'Web app: the first screen\'s JavaScript',
    markdown: lines.join('\n'),
    checks: [{ text: `first screen of the web app ≤ ${kb(budget)} KB of compressed JavaScript (${kb(total.gzip)} KB gzip, ${kb(total.brotli)} KB brotli, ${measured.scripts.length} file(s))`, met }],
    failures: measured.scripts.length === 0 ? ['the web app\'s index.html loads no script: nothing measured'] : [],
  };
}

/** Builds the app when needed (the helper of `npm start`), then measures what its first screen loads. */
export function webAppSection(paths: WebAppPaths = defaultWebAppPaths): OfflineSection {
  return {
    id: 'web-app',
    title: "Web app: the first screen's JavaScript",
    async run({ progress }: OfflineContext): Promise<SectionResult> {
      const title = "Web app: the first screen's JavaScript";
      if (webBuildStatus(paths).state === 'no-app') {
        progress('no web/ folder: the web app section is skipped');
        return {
          title,
          markdown: `Skipped: there is no web app to measure (no \`${relative(projectRoot, paths.configFile)}\`). The budget of issue 15 (≤ ${kb(FIRST_SCREEN_BUDGET_BYTES)} KB of compressed JavaScript for the first screen) is measured once \`web/\` exists.`,
          checks: [],
          failures: [],
        };
      }
      const built = await ensureWebApp({ paths, log: progress, error: progress });
      if (built.state === 'failed') {
        return { title, markdown: `The web app did not build: ${errorSummary(built.error)}.`, checks: [], failures: [`the web app did not build: ${errorSummary(built.error)}`] };
      }
      progress(`web app ${built.state === 'built' ? 'built' : 'already built'} (${relative(projectRoot, paths.distDir)}, index.html of ${statSync(join(paths.distDir, 'index.html')).mtime.toISOString()}): measuring its first screen`);
      return renderFirstScreen(firstScreen(paths.distDir));
    },
  };
}
