import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { LAMBDA_STACK_TRACES_MODULE, lambdaBundling, lambdaEntries, lambdaEsbuildOptions, projectRoot } from '../../infra/bundling.js';
import { synth } from './template-helpers.js';

/**
 * Stack traces of the Lambda bundles point into the TypeScript sources without Node's
 * `--enable-source-maps` (which parses the map in every cold start): the bundles carry
 * `infra/lambda/source-mapped-stacks.ts`, which reads the map when a stack is first read.
 */
// Inside the project, so the map's sources are `../../tests/…` as CDK's are `../…/shared/…`.
const workDir = mkdtempSync(join(projectRoot, 'node_modules', '.tmp-source-maps-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const run = (bundle: string, nodeOptions = '') =>
  execFileSync(
    process.execPath,
    ['--input-type=module', '-e', `import(${JSON.stringify(pathToFileURL(bundle).href)}).then((m) => m.handler()).catch((error) => { console.log(error.stack); })`],
    { env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: nodeOptions }, encoding: 'utf8' },
  );

describe('stack traces of the Lambda bundles', () => {
  it('map to the TypeScript sources when read, with no NODE_OPTIONS', async () => {
    const outfile = join(workDir, 'index.mjs');
    await build({ ...lambdaEsbuildOptions, entryPoints: [resolve(projectRoot, 'tests/fixtures/lambda/throwing-handler.ts')], outfile, absWorkingDir: projectRoot, logLevel: 'silent' });
    expect(readFileSync(outfile, 'utf8')).toContain('prepareStackTrace');
    const stack = run(outfile);
    expect(stack.split('\n')[0]).toBe('Error: planned failure');
    expect(stack).toMatch(/at \S+ \((?:[^\s()]*\/)?tests\/fixtures\/lambda\/throwing-helper\.ts:2:9\)/);
    expect(stack).toMatch(/tests\/fixtures\/lambda\/throwing-handler\.ts:4:\d+/);
    expect(stack).not.toContain('index.mjs');
  });

  it('stay as V8 writes them when the map is missing', async () => {
    const outfile = join(workDir, 'nomap', 'index.mjs');
    await build({ ...lambdaEsbuildOptions, sourcemap: false, entryPoints: [resolve(projectRoot, 'tests/fixtures/lambda/throwing-handler.ts')], outfile, absWorkingDir: projectRoot, logLevel: 'silent' });
    const stack = run(outfile);
    expect(stack.split('\n')[0]).toBe('Error: planned failure');
    expect(stack).toContain('index.mjs:');
  });

  it('the stack sets no --enable-source-maps on any function, and bundles every function with the injected module', () => {
    const { resourcesOf } = synth();
    const functions = Object.entries(resourcesOf('AWS::Lambda::Function'));
    expect(functions.length).toBe(lambdaEntries().length);
    for (const [id, fn] of functions) {
      const options = String(fn.Properties.Environment?.Variables?.NODE_OPTIONS ?? '');
      expect(options, id).not.toContain('--enable-source-maps');
    }
    expect(lambdaBundling.inject).toEqual([LAMBDA_STACK_TRACES_MODULE]);
  });
});
