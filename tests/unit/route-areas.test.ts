import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/app/routes.js';
import type { RouteDefinition } from '../../shared/http/route.js';

/**
 * One folder scheme: a route is declared in `shared/<area>/routes.ts`, handled in
 * `functions/<area>/`, and implemented in `shared/<area>/` (its handler imports from there).
 * Adding an area is a folder and one line in the composition root (`shared/app/routes.ts`).
 */
// The composition root lists routes; it declares none of its own.
const areas = readdirSync('shared').filter((name) => name !== 'app' && existsSync(`shared/${name}/routes.ts`));
/** The API's own endpoints (health, the OpenAPI document) answer from code and the composition root, with no domain behind them. */
const withoutDomain = new Set(['system']);

describe('the folder scheme', () => {
  it('finds the areas that declare routes', () => {
    expect(areas).toEqual(expect.arrayContaining(['deliveries', 'quotes', 'slots', 'tenants', 'billing', 'audit']));
  });

  for (const area of areas) {
    it(`${area}: its routes are handled in functions/${area}/ by modules that use shared/${area}/`, async () => {
      const module = (await import(/* @vite-ignore */ `../../shared/${area}/routes.js`)) as Record<string, Record<string, RouteDefinition>>;
      const declared = Object.values(module).flatMap((value) => Object.entries(value).filter(([, route]) => typeof route?.handler === 'string' && typeof route?.method === 'string'));
      expect(declared.length).toBeGreaterThan(0);
      for (const [name, route] of declared) {
        expect(route.handler, name).toMatch(new RegExp(`^functions/${area}/[a-z0-9-]+\\.ts$`));
        const source = readFileSync(route.handler, 'utf8');
        if (!withoutDomain.has(area)) expect(source, `${route.handler} implements ${name} with shared/${area}/`).toMatch(new RegExp(`from '\\.\\./\\.\\./shared/${area}/(?!routes\\.js)`));
        expect((routes as Record<string, RouteDefinition>)[name], `${name} is in the composition root`).toBe(route);
      }
    });
  }

  it('has no handler folder without an area, and no area declared twice', () => {
    for (const folder of readdirSync('functions')) if (folder !== 'consumers') expect(areas, `functions/${folder}`).toContain(folder);
    const names = Object.keys(routes);
    expect(new Set(names).size).toBe(names.length);
  });
});
