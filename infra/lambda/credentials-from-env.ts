import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in every Lambda bundle (an esbuild `alias`,
 * `infra/bundling.ts`). Each AWS SDK client's runtime config imports that package's
 * `defaultProvider`, the default credential chain: the environment, then SSO, the ini files, a
 * credential process, a web identity token file, the container and instance metadata services,
 * with their own STS and SSO clients: about 130 KB of every minified bundle. In Lambda the first
 * link always answers: the runtime sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN from the execution role before the code starts, so the rest of the chain is
 * dead code there. This provider is that first link alone (`fromEnv`, the same one the chain
 * calls). Only bundles use it: the tests and the local runtime import the SDK unbundled and keep
 * the whole chain.
 */
export const defaultProvider = (init: FromEnvInit = {}): ReturnType<typeof fromEnv> => fromEnv(init);
