import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = decodeURIComponent(new URL('.', import.meta.url).pathname);

/**
 * The web app: served at /app/ by the same origin as the API (locally `npm start`, in AWS
 * CloudFront), so it calls relative `/v1/...` URLs and the session cookie stays first-party.
 * `npx vite --config web/vite.config.ts` serves it with hot reload and proxies /v1 to a running
 * `npm start` on localhost:3000.
 */
export default defineConfig({
  root: here,
  base: '/app/',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: {
    outDir: `${here}dist`,
    emptyOutDir: true,
    target: 'es2022',
    // No source maps shipped: the first screen's weight is what the browser downloads.
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/v1': { target: 'http://localhost:3000', changeOrigin: false } },
  },
});
