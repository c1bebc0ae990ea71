import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The one Node.js version of the project, read from `.node-version` (the file version managers
 * read too): the Lambda runtime (`nodejs<major>.x`), the esbuild target, the binary `npm ci`
 * installs into node_modules for every npm script (package.json's `node-linux-*`
 * optionalDependencies), `@types/node` and CI follow it; tests/infra/node-version.test.ts
 * checks that they agree, and that the tests themselves run on it.
 */
const file = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '.node-version');

export const nodeVersion = readFileSync(file, 'utf8').trim();
export const nodeMajor = Number(nodeVersion.split('.')[0]);

/** The Lambda runtime identifier of that major: `nodejs22.x`. */
export const lambdaRuntimeName = `nodejs${nodeMajor}.x`;

/** The esbuild target of the Lambda bundles: `node22`. */
export const esbuildTarget = `node${nodeMajor}`;

/**
 * Why this process cannot run the project, or undefined when it can: a major other than the
 * pinned one (the local runtime must be the platform Lambda runs).
 */
export function nodeMismatch(running: string = process.versions.node): string | undefined {
  if (Number(running.split('.')[0]) === nodeMajor) return undefined;
  return [
    `This project runs on Node.js ${nodeMajor} (${nodeVersion}, as its AWS Lambda runtime ${lambdaRuntimeName}); this is Node.js ${running}.`,
    `Run it through npm, which uses the Node.js ${nodeVersion} that \`npm ci\` installs into node_modules: \`npm ci\`, then \`npm start\` or \`npm test\`.`,
    `If \`npm ci\` installed no Node.js binary (a platform without a node-linux-* package), install Node.js ${nodeMajor} yourself (nvm, fnm, or nodejs.org).`,
  ].join('\n');
}
