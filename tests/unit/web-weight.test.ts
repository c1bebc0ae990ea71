import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIRST_SCREEN_BUDGET_BYTES, firstScreen, renderFirstScreen, scriptsOfHtml, scriptsOfManifest } from '../../bench/web-app.js';

/** The bench's page weight (`bench/web-app.ts`): what the first screen loads, on the fixture build of the local serving tests. */
const FIXTURE = resolve('tests/fixtures/web-dist');

describe('the first screen of a build', () => {
  it("reads the entry and Vite's modulepreload links from index.html, not what loads later", () => {
    expect(scriptsOfHtml(readFileSync(join(FIXTURE, 'index.html'), 'utf8'))).toEqual([
      { file: 'assets/app-abc123.js', role: 'entry' },
      { file: 'assets/vendor-def456.js', role: 'modulepreload' },
    ]);
    expect(
      scriptsOfHtml(
        `<script type="module" crossorigin src="/app/assets/index-A1.js"></script><script src='/app/legacy.js'></script><script src="https://cdn.example/x.js"></script>` +
          `<link rel=modulepreload href=/app/assets/vendor-B2.js><link rel="stylesheet" href="/app/assets/index-C3.css"><script type="module">inline()</script>`,
      ),
    ).toEqual([
      { file: 'assets/index-A1.js', role: 'entry' },
      { file: 'legacy.js', role: 'script' },
      { file: 'assets/vendor-B2.js', role: 'modulepreload' },
    ]);
  });

  it("reads the entry's static imports, recursively, from Vite's manifest, and its dynamic ones as later", () => {
    const manifest = {
      'index.html': { file: 'assets/index-A1.js', isEntry: true, imports: ['_vendor-B2.js'], dynamicImports: ['src/pages/invoices.tsx'], css: ['assets/index-C3.css'] },
      '_vendor-B2.js': { file: 'assets/vendor-B2.js', imports: ['_tiny-D4.js'] },
      '_tiny-D4.js': { file: 'assets/tiny-D4.js' },
      'src/pages/invoices.tsx': { file: 'assets/invoices-E5.js', imports: ['_vendor-B2.js', '_pdf-F6.js'] },
      '_pdf-F6.js': { file: 'assets/pdf-F6.js' },
    };
    expect(scriptsOfManifest(manifest)).toEqual({
      scripts: [
        { file: 'assets/index-A1.js', role: 'entry' },
        { file: 'assets/vendor-B2.js', role: 'static import' },
        { file: 'assets/tiny-D4.js', role: 'static import' },
      ],
      css: ['assets/index-C3.css'],
      lazy: ['assets/invoices-E5.js', 'assets/pdf-F6.js'],
    });
  });

  it('weighs each file raw, gzip -9 and brotli q11, and sums the first screen', () => {
    const measured = firstScreen(FIXTURE);
    expect(measured.source).toBe('index.html');
    expect(measured.scripts.map((script) => script.file)).toEqual(['assets/app-abc123.js', 'assets/vendor-def456.js']);
    const entry = readFileSync(join(FIXTURE, 'assets/app-abc123.js'));
    expect(measured.scripts[0]).toMatchObject({ bytes: entry.length, gzip: gzipSync(entry, { level: 9 }).length });
    expect(measured.scripts[0]!.brotli).toBeLessThan(measured.scripts[0]!.gzip);
    expect(measured.total.gzip).toBe(measured.scripts[0]!.gzip + measured.scripts[1]!.gzip);
    expect(measured.css.map((sheet) => sheet.file)).toEqual(['assets/app-abc123.css']);
    expect(measured.later.map((script) => script.file)).toEqual(['assets/lazy-789abc.js']);
  });

  it('reports the first screen against the 100 KB budget', () => {
    const measured = firstScreen(FIXTURE);
    const within = renderFirstScreen(measured);
    expect(FIRST_SCREEN_BUDGET_BYTES).toBe(102_400);
    expect(within.checks).toEqual([{ text: expect.stringMatching(/^first screen of the web app ≤ 100\.0 KB of compressed JavaScript \(\d+\.\d KB gzip, \d+\.\d KB brotli, 2 file\(s\)\)$/), met: true }]);
    expect(within.markdown).toContain('`assets/app-abc123.js` | entry');
    expect(within.failures).toEqual([]);
    expect(renderFirstScreen(measured, 100).checks[0]!.met).toBe(false);
  });
});
