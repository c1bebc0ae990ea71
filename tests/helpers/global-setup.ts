import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb.js';
import { nodeMismatch } from '../../infra/node-version.js';
import { freePort } from './ports.js';
import { sharedBuildDir } from './web-build-dir.js';
import { rmSync } from 'node:fs';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
  }
}

/**
 * One DynamoDB Local (in memory, free port) for the whole run; each test file makes its own
 * table in it. Stopped in teardown, and by the watchdog if the runner itself is killed.
 */
export default async function setup(project: TestProject) {
  // The tests prove the project on the Node.js it runs on in Lambda and locally, or not at all.
  const mismatch = nodeMismatch();
  if (mismatch) throw new Error(mismatch);
  // The browser tests' shared build of the web app (tests/helpers/web-harness.ts) is this run's:
  // none left from an earlier run with the same process id, and gone at the end.
  const webBuild = sharedBuildDir(String(process.pid));
  rmSync(webBuild, { recursive: true, force: true });
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  project.provide('dynamoDbEndpoint', dynamo.endpoint);
  return async () => {
    rmSync(webBuild, { recursive: true, force: true });
    await dynamo.stop();
  };
}
