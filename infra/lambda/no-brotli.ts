/**
 * Stands in for `brotli/decompress.js` in Lambda bundles. The Factur-X PDFs embed fonts through
 * `@cantoo/fontkit`, which imports a pure-JavaScript Brotli decoder (about 490 KB minified) for
 * WOFF2 fonts only; ours are WOFF (`shared/billing/facturx/noto-sans.ts`), so it is never called.
 * Should a WOFF2 font ever be loaded, this says so instead of failing obscurely.
 */
export default function decompress(): never {
  throw new Error('Brotli (WOFF2 fonts) is left out of the Lambda bundles: embed WOFF or TTF fonts (infra/lambda/no-brotli.ts).');
}
