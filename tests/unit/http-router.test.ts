import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { lambdaEntries, projectRoot } from '../../infra/bundling.js';
import { fallbackRoute } from '../../shared/app/routes.js';
import { routeKey } from '../../shared/http/route.js';
import { httpRouter, type LambdaHttpHandler } from '../../shared/http/router.js';

/** The handler maps the generated routers are made with, captured as each router module is imported. */
const routerTables = vi.hoisted(() => [] as Array<Readonly<Record<string, unknown>>>);
vi.mock('../../shared/http/router.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../shared/http/router.js')>();
  return {
    ...original,
    httpRouter: ((handlers) => {
      routerTables.push(handlers);
      return original.httpRouter(handlers);
    }) satisfies typeof original.httpRouter,
  };
});

const event = (key: string) => ({ routeKey: key }) as APIGatewayProxyEventV2;
const context = {} as Context;

describe('httpRouter', () => {
  const answer = (name: string): LambdaHttpHandler => async (received) => ({ name, routeKey: received.routeKey });

  it('hands each event to the handler of its route key, the unknown ones to $default', async () => {
    const router = httpRouter({ 'GET /a': answer('a'), 'POST /a/{id}': answer('b'), $default: answer('fallback') });
    expect(await router(event('GET /a'), context)).toEqual({ name: 'a', routeKey: 'GET /a' });
    expect(await router(event('POST /a/{id}'), context)).toEqual({ name: 'b', routeKey: 'POST /a/{id}' });
    expect(await router(event('GET /a/{id}'), context)).toEqual({ name: 'fallback', routeKey: 'GET /a/{id}' });
  });

  it('fails loudly on a route key it does not serve when it has no $default (a stack wiring error)', async () => {
    await expect(httpRouter({ 'GET /a': answer('a') })(event('GET /b'), context)).rejects.toThrow(/GET \/b/);
  });
});

describe("each function group's generated router", () => {
  for (const entry of lambdaEntries().filter((candidate) => candidate.kind === 'http')) {
    it(`${entry.name} sends each of its route keys to the module the route table names, and nothing else`, async () => {
      const before = routerTables.length;
      await import(pathToFileURL(entry.entry).href);
      const table = routerTables[before];
      expect(table, `${entry.entry} did not build a router`).toBeDefined();
      const expected: Record<string, unknown> = {};
      for (const { route } of entry.routes ?? []) {
        const module = (await import(pathToFileURL(resolve(projectRoot, route.handler)).href)) as { handler: unknown };
        expected[routeKey(route)] = module.handler;
      }
      if (entry.group === 'static') expected.$default = ((await import(pathToFileURL(resolve(projectRoot, fallbackRoute.handler)).href)) as { handler: unknown }).handler;
      expect(Object.keys(table!).sort()).toEqual(Object.keys(expected).sort());
      for (const [key, handler] of Object.entries(expected)) expect(table![key] === handler, key).toBe(true);
    });
  }
});
