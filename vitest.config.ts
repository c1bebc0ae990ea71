import { defineConfig } from 'vitest/config';

/**
 * Two groups, one after the other. Vitest's default on a 2-core machine is one worker (cores − 1):
 * the unit and stack tests are short, CPU-bound and share nothing, so they run on two workers;
 * the integration and browser tests each start DynamoDB Local, a runtime and sometimes Chromium,
 * and keep their timing assertions honest on one worker.
 */
export default defineConfig({
  test: {
    globalSetup: ['tests/helpers/global-setup.ts'],
    pool: 'forks',
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    env: {
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
      AWS_REGION: 'eu-west-3',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'tests/infra/**/*.test.ts'], maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'integration', include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'], maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
