import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { projectRoot } from '../../infra/bundling.js';
import type { RouteDefinition } from '../../shared/http/route.js';
import { routes } from '../../shared/app/routes.js';

/**
 * Each handler imports its own area's route table (`shared/<area>/routes.ts`) rather than the
 * whole one, so nothing but a test ties the module a route names (`route.handler`, what the stack
 * deploys for it) to the route the module wraps. `apiHandler` does not expose its route: it is
 * wrapped here to record the route each handler is made with.
 */
const boundRoutes = vi.hoisted(() => new WeakMap<object, unknown>());
vi.mock('../../shared/http/handler.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../shared/http/handler.js')>();
  return {
    ...original,
    apiHandler: ((route, fn) => {
      const handler = original.apiHandler(route, fn);
      boundRoutes.set(handler, route);
      return handler;
    }) satisfies typeof original.apiHandler,
  };
});

describe("every route's handler module", () => {
  for (const [name, route] of Object.entries(routes) as [string, RouteDefinition][]) {
    it(`${name}: ${route.handler} wraps this very route`, async () => {
      const module = (await import(pathToFileURL(resolve(projectRoot, route.handler)).href)) as { handler?: unknown };
      expect(typeof module.handler, `${route.handler} exports no handler function`).toBe('function');
      expect(boundRoutes.get(module.handler as object) === route, `${route.handler} is not bound to routes.${name} (${route.method} ${route.path})`).toBe(true);
    });
  }
});
