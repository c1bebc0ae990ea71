import { resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

/** The project root: handler paths in the route table and the rules are relative to it. */
export const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

type AnyHandler = (event: unknown, context: unknown) => Promise<unknown>;
const loaded = new Map<string, Promise<AnyHandler>>();

/** Imports a Lambda entry module (once) and returns its `handler`, as Lambda would. */
export function loadHandler(modulePath: string): Promise<AnyHandler> {
  let handler = loaded.get(modulePath);
  if (!handler) {
    handler = import(pathToFileURL(resolve(projectRoot, modulePath)).href).then((module: { handler?: AnyHandler }) => {
      if (typeof module.handler !== 'function') throw new Error(`${modulePath} does not export a handler`);
      return module.handler;
    });
    loaded.set(modulePath, handler);
  }
  return handler;
}

/** A Lambda-like context for a local invocation. */
export function lambdaContext(functionName: string, requestId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
