/**
 * How the web app (`web/`, built by Vite into `web/dist/`) is served, said once for both places
 * that serve it: the local runtime (`infra/local/web-app.ts`) and CloudFront (`infra/constructs/web-app.ts`).
 * The app lives under `/app/` (Vite's `base`), beside the API on the same origin, so the session
 * cookie stays first-party.
 */

/** The path the app is served under (Vite's `base: '/app/'`). */
export const WEB_APP_PREFIX = '/app/';

/** Vite's hashed output (`build.assetsDir`, `assets` by default): a changed file gets a new name. */
export const WEB_APP_ASSETS_PREFIX = `${WEB_APP_PREFIX}assets/`;

/** Hashed assets never change under their name: cached a year by browsers and CloudFront. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Everything else (index.html, files of Vite's `public/`): revalidated on each use, so a deploy
 * is seen at the next load.
 */
export const REVALIDATE_CACHE_CONTROL = 'no-cache';

/**
 * The app's Content-Security-Policy: scripts, styles, fonts and API calls from the app's own
 * origin only (no inline script, no CDN, no eval); images from it and `data:` URLs (Vite inlines
 * small images as `data:`); never framed. Where a deployment adds them: the map's tile server
 * (images), and in AWS the proof photos' bucket (the phone uploads there, the tenant's page shows
 * them through short-lived URLs).
 */
export function webAppCsp(extra: { imageSources?: readonly string[]; connectSources?: readonly string[] } = {}): string {
  const more = (sources: readonly string[] | undefined) => (sources && sources.length > 0 ? ` ${sources.join(' ')}` : '');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${more(extra.imageSources)}`,
    "font-src 'self'",
    `connect-src 'self'${more(extra.connectSources)}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const WEB_APP_CSP = webAppCsp();

/**
 * The origin a tile URL template (`https://{s}.tile.example.org/{z}/{x}/{y}.png`) loads from, as a
 * CSP source (`https://*.tile.example.org`); undefined for anything that is not an http(s) URL.
 */
export function tileSource(template: string | undefined | null): string | undefined {
  const match = template ? /^(https?):\/\/([^/?#]+)/.exec(template.trim()) : null;
  if (!match) return undefined;
  const host = (match[2] as string).replace(/\{[a-z]\}/g, '*');
  return /^[A-Za-z0-9*.:-]+$/.test(host) ? `${match[1]}://${host}` : undefined;
}

export const WEB_APP_REFERRER_POLICY = 'strict-origin-when-cross-origin';

/** HSTS for the distribution: two years, subdomains included (not sent on plain-HTTP localhost). */
export const HSTS_MAX_AGE_SECONDS = 2 * 365 * 24 * 3600;

/** The security headers of every answer of the app (CloudFront adds HSTS besides). */
export const webAppSecurityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': WEB_APP_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': WEB_APP_REFERRER_POLICY,
};

/**
 * A path of the app that is a route of the client (`/app/`, `/app/deliveries/123`) rather than a
 * file (`/app/assets/index-abc123.js`, `/app/favicon.svg`): its last segment has no dot. Client
 * routes get index.html; a file that does not exist is a 404. The CloudFront Function below
 * applies the same rule.
 */
export function isClientRoute(path: string): boolean {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !last.includes('.');
}

/**
 * The viewer-request CloudFront Function (cloudfront-js-2.0) of the distribution, attached to the
 * default behaviour and to `/app/*`:
 *
 * - `/` and `/app` redirect (302) to `/app/`, their query string kept (GET and HEAD: other methods
 *   go on to the API, which answers them 404);
 * - under `/app/`, a path whose last segment has no dot (a client route: `/app/`,
 *   `/app/deliveries/123`) is rewritten to `/app/index.html`, so a deep link loads the app;
 *   files (`/app/assets/index-abc123.js`) go to S3 unchanged;
 * - anything else (the API's paths reaching the default behaviour) passes unchanged.
 *
 * Plain ES5-style JavaScript, as the runtime runs it; `tests/infra/web-app.test.ts` runs it.
 */
export const viewerRequestFunctionCode = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if ((uri === '/' || uri === '/app') && (request.method === 'GET' || request.method === 'HEAD')) {
    var query = [];
    for (var name in request.querystring) {
      var parameter = request.querystring[name];
      if (parameter.multiValue) {
        for (var i = 0; i < parameter.multiValue.length; i++) query.push(name + '=' + parameter.multiValue[i].value);
      } else {
        query.push(parameter.value === '' ? name : name + '=' + parameter.value);
      }
    }
    return {
      statusCode: 302,
      statusDescription: 'Found',
      headers: {
        location: { value: '${WEB_APP_PREFIX}' + (query.length > 0 ? '?' + query.join('&') : '') },
        'cache-control': { value: 'no-cache' }
      }
    };
  }
  if (uri.indexOf('${WEB_APP_PREFIX}') === 0) {
    var last = uri.substring(uri.lastIndexOf('/') + 1);
    if (last.indexOf('.') === -1) request.uri = '${WEB_APP_PREFIX}index.html';
  }
  return request;
}
`;
