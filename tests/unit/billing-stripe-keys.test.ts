import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clearCaches } from '@aws-lambda-powertools/parameters';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configuredProviderName } from '../../shared/billing/invoice-provider.js';
import { STRIPE_KEYS_MAX_AGE_SECONDS, stripeKeys } from '../../shared/billing/stripe-keys.js';

const secrets = mockClient(SecretsManagerClient);
const arn = 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:delivery-hub/prod/stripe-AbCdEf';
const saved = { ...process.env };

beforeEach(() => {
  secrets.reset();
  clearCaches();
});
afterEach(() => {
  vi.useRealTimers();
  for (const name of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_SECRET_ARN']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const inAws = () => {
  delete process.env.STRIPE_SECRET_KEY;
  delete process.env.STRIPE_WEBHOOK_SECRET;
  process.env.STRIPE_SECRET_ARN = arn;
};

describe('the Stripe keys', () => {
  it('come from the environment locally, and billing stays in the ledger without a key', async () => {
    delete process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_SECRET_ARN;
    expect(await configuredProviderName()).toBe('ledger');
    process.env.STRIPE_SECRET_KEY = 'sk_test_env';
    process.env.STRIPE_WEBHOOK_SECRET = 'whsec_env';
    expect(await stripeKeys()).toEqual({ secretKey: 'sk_test_env', webhookSecret: 'whsec_env' });
    expect(await configuredProviderName()).toBe('stripe');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('come from the stage secret in AWS, by the ARN the stack gives, read once while fresh', async () => {
    inAws();
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: JSON.stringify({ secretKey: 'sk_live_x', webhookSecret: 'whsec_x' }) });
    expect(await stripeKeys()).toEqual({ secretKey: 'sk_live_x', webhookSecret: 'whsec_x' });
    expect(await configuredProviderName()).toBe('stripe');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('are read again once their max age has passed: a rolled key needs no redeploy', async () => {
    inAws();
    vi.useFakeTimers({ now: new Date('2026-12-06T10:00:00Z'), toFake: ['Date'] });
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: JSON.stringify({ secretKey: 'sk_live_old' }) }).resolves({ SecretString: JSON.stringify({ secretKey: 'sk_live_new' }) });
    expect((await stripeKeys()).secretKey).toBe('sk_live_old');
    vi.setSystemTime(Date.now() + (STRIPE_KEYS_MAX_AGE_SECONDS - 1) * 1000);
    expect((await stripeKeys()).secretKey).toBe('sk_live_old');
    vi.setSystemTime(Date.now() + 2000);
    expect((await stripeKeys()).secretKey).toBe('sk_live_new');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('count the empty template the stack creates as "not configured", and refuse a secret that is not the expected JSON', async () => {
    inAws();
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: JSON.stringify({ secretKey: '', webhookSecret: '' }) });
    expect(await stripeKeys()).toEqual({ secretKey: undefined, webhookSecret: undefined });
    expect(await configuredProviderName()).toBe('ledger');
    clearCaches();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ secretKey: 42 }) });
    await expect(stripeKeys()).rejects.toThrow();
  });
});
