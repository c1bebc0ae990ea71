import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCatalogue, isErrorSet, type ErrorCode } from '../../shared/errors.js';
import { routes } from '../../shared/http/routes.js';
import { routeErrors, routeErrorsByStatus, type RouteDefinition } from '../../shared/http/route.js';

/**
 * Errors are declared where they are raised: a module that throws `new AppError('code', …)` or
 * `notFound(…)` exports an error set holding that code, and routes list those sets. What the
 * plumbing raises (authentication, validation, idempotency, the error mapping) is declared by
 * `routeErrors` itself, and what the local fallback route raises is its own.
 */
const plumbing = new Set(['shared/errors.ts', 'shared/http/handler.ts', 'shared/http/validation.ts', 'shared/http/idempotency.ts', 'shared/http/response.ts', 'shared/db/pagination.ts']);

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function raisedCodes(source: string): Set<ErrorCode> {
  const codes = new Set<ErrorCode>();
  for (const match of source.matchAll(/new AppError\(\s*'([a-z_]+)'/g)) codes.add(match[1] as ErrorCode);
  if (/\bnotFound\(/.test(source)) codes.add('resource_missing');
  return codes;
}

const modules = sources('shared')
  .map((path) => relative('.', path))
  .filter((path) => !plumbing.has(path))
  .map((path) => ({ path, raised: raisedCodes(readFileSync(path, 'utf8')) }))
  .filter(({ raised }) => raised.size > 0);

describe('error sets', () => {
  it('finds the modules that raise errors (the scan is not blind)', () => {
    expect(modules.map(({ path }) => path)).toEqual(expect.arrayContaining(['shared/deliveries/booking.ts', 'shared/geo/geocoder.ts', 'shared/integrations/service.ts']));
  });

  for (const { path, raised } of modules) {
    it(`${path} declares every error it raises`, async () => {
      const exported = Object.values((await import(`../../${path}`)) as Record<string, unknown>).filter(isErrorSet);
      const declared = new Set(exported.flatMap((set) => set.codes));
      expect(exported.length, `${path} raises ${[...raised].join(', ')} but exports no error set`).toBeGreaterThan(0);
      expect([...raised].filter((code) => !declared.has(code))).toEqual([]);
    });
  }

  it('every code of every route is in the catalogue, and routes document errors only through `errors`', () => {
    for (const [name, route] of Object.entries(routes) as Array<[string, RouteDefinition]>) {
      for (const code of routeErrors(route)) expect(errorCatalogue[code], `${name}: ${code}`).toBeDefined();
      // A route's own `responses` are its successes (and the HTML pages of public routes):
      // an error in the contract's shape goes through `errors`, so the runtime check sees it too.
      for (const [status, response] of Object.entries(route.responses)) {
        if (Number(status) >= 400) expect(response.contentType, `${name} ${status}`).toBe('text/html');
      }
    }
  });

  it('groups a route\'s codes by their status', () => {
    const byStatus = routeErrorsByStatus(routes.createDelivery as RouteDefinition);
    expect(byStatus.get(409)).toEqual(expect.arrayContaining(['slot_full', 'quote_already_used', 'idempotency_key_reused']));
    expect(byStatus.get(410)).toEqual(['quote_expired']);
    expect(byStatus.get(401)).toEqual(expect.arrayContaining(['missing_api_key', 'invalid_api_key']));
  });
});
