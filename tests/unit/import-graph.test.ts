import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Imports run one way. In `shared/`: the foundations (its root files: errors, config, ids…), then
 * the plumbing (`db`, `http`, `events`, `auth`, `logging`, `observability`, `schemas`, `i18n`),
 * which knows no area, then the areas (each other folder), then the composition root (`app`),
 * the one place that imports every area. `functions/` and `infra/` sit above all of it. No
 * module imports one from a layer above its own, and no import cycle exists anywhere (type
 * imports included: a cycle of types is still two modules that cannot be read apart).
 */
const PLUMBING = new Set(['db', 'http', 'events', 'auth', 'logging', 'observability', 'schemas', 'i18n']);
const LAYER_NAMES = ['foundation', 'plumbing', 'area', 'composition root', 'entry points and infrastructure'];

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function layer(path: string): number {
  const parts = path.split('/');
  if (parts[0] !== 'shared') return 4;
  if (parts.length === 2) return 0;
  if (parts[1] === 'app') return 3;
  return PLUMBING.has(parts[1] as string) ? 1 : 2;
}

/** Every relative import of a module (static and type-only), as project paths. */
function importsOf(path: string): string[] {
  const source = readFileSync(path, 'utf8');
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.{1,2}\/[^']+)'/g)].map((match) => relative('.', resolve(dirname(path), (match[1] as string).replace(/\.js$/, '.ts'))));
}

const graph = new Map(['shared', 'functions', 'infra'].flatMap(sources).map((path) => [path, importsOf(path)] as const));

function cycles(): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) as number, low.get(target) as number));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node) as number, index.get(target) as number));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the import graph', () => {
  it('reads the whole code base, every layer of it', () => {
    expect(graph.size).toBeGreaterThan(150);
    const layers = new Set([...graph.keys()].map(layer));
    expect([...layers].sort()).toEqual([0, 1, 2, 3, 4]);
    // Every import resolves to a module of the project (the scan is not reading paths wrong).
    const unresolved = [...graph].flatMap(([from, targets]) => targets.filter((target) => !target.startsWith('node_modules') && !graph.has(target) && !target.startsWith('tests/')).map((target) => `${from} → ${target}`));
    expect(unresolved).toEqual([]);
  });

  it('never imports from a layer above: plumbing knows no area, areas do not know the composition root', () => {
    const upward = [...graph].flatMap(([from, targets]) =>
      targets.filter((target) => graph.has(target) && layer(target) > layer(from) && layer(from) < 4).map((target) => `${from} (${LAYER_NAMES[layer(from)]}) → ${target} (${LAYER_NAMES[layer(target)]})`),
    );
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });
});
