import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb.js';
import { nodeMismatch } from '../../infra/node-version.js';
import { freePort } from './ports.js';

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
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  project.provide('dynamoDbEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}
