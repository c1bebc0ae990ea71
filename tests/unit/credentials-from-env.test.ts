import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultProvider } from '../../infra/lambda/credentials-from-env.js';

// What the Lambda bundles use instead of the SDK's default chain (`infra/bundling.ts`).
const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_PROFILE'] as const;
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  for (const name of names) delete process.env[name];
});
afterEach(() => {
  for (const name of names) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('the credentials of the Lambda bundles', () => {
  it('are the ones Lambda sets in the environment (the execution role)', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLEKEYID';
    process.env.AWS_SECRET_ACCESS_KEY = 'example-secret';
    process.env.AWS_SESSION_TOKEN = 'example-session-token';
    expect(await defaultProvider()()).toMatchObject({ accessKeyId: 'ASIAEXAMPLEKEYID', secretAccessKey: 'example-secret', sessionToken: 'example-session-token' });
  });

  it('take the options a client passes its default provider (its config)', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEKEYID';
    process.env.AWS_SECRET_ACCESS_KEY = 'example-secret';
    const credentials = await defaultProvider({ logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } })();
    expect(credentials).toMatchObject({ accessKeyId: 'AKIAEXAMPLEKEYID', secretAccessKey: 'example-secret' });
    expect(credentials.sessionToken).toBeUndefined();
  });

  it('fail, with nothing else tried, when the environment has none', async () => {
    await expect(defaultProvider()()).rejects.toThrow(/environment variable credentials/);
  });
});
