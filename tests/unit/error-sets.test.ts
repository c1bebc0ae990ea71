import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCatalogue, isErrorSet } from '../../shared/errors.js';
import { routes } from '../../shared/app/routes.js';
import { routeErrors, routeErrorsByStatus, type RouteDefinition } from '../../shared/http/route.js';

/**
 * Errors are declared where they are raised: the domain raises through an error set of its
 * area (`shared/<area>/errors.ts`: `bookingErrors.error('slot_full', …)` type-checks only for a
 * code of the set), never with a bare `new AppError`; routes list those sets. What the plumbing
 * raises is declared by `routeErrors` itself.
 */
const plumbing = new Set(['shared/errors.ts', 'shared/http/handler.ts', 'shared/http/validation.ts', 'shared/http/idempotency.ts', 'shared/http/response.ts', 'shared/db/pagination.ts']);

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const domain = sources('shared')
  .map((path) => relative('.', path))
  .filter((path) => !plumbing.has(path));

describe('error sets', () => {
  it('the domain raises errors only through its sets (no bare AppError, no bare notFound)', () => {
    const bare = domain.filter((path) => /new AppError\(|(?<![\w.])notFound\(/.test(readFileSync(path, 'utf8')));
    expect(bare).toEqual([]);
  });

  it('the sets are found in each area, and they use catalogue codes only', async () => {
    const files = domain.filter((path) => path.endsWith('/errors.ts'));
    expect(files.length).toBeGreaterThan(8);
    for (const file of files) {
      const sets = Object.values((await import(/* @vite-ignore */ `../../${file}`)) as Record<string, unknown>).filter(isErrorSet);
      expect(sets.length, file).toBeGreaterThan(0);
      for (const set of sets) for (const code of set.codes) expect(errorCatalogue[code], `${file}: ${code}`).toBeDefined();
    }
  });

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

  it("groups a route's codes by their status", () => {
    const byStatus = routeErrorsByStatus(routes.createDelivery as RouteDefinition);
    expect(byStatus.get(409)).toEqual(expect.arrayContaining(['slot_full', 'quote_already_used', 'idempotency_key_reused']));
    expect(byStatus.get(410)).toEqual(['quote_expired']);
    expect(byStatus.get(401)).toEqual(expect.arrayContaining(['missing_api_key', 'invalid_api_key']));
    expect(byStatus.has(415)).toBe(true);
    // A read by id has no body and no query: nothing to be invalid, so no 400.
    expect(routeErrorsByStatus(routes.getDelivery as RouteDefinition).has(400)).toBe(false);
  });
});
