import { afterEach, describe, expect, it } from 'vitest';
import { configuredProviderName } from '../../shared/billing/invoice-provider.js';
import { setStripeKeyLoader, stripeKeys } from '../../shared/billing/stripe-keys.js';

const saved = { ...process.env };
afterEach(() => {
  for (const name of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_SECRET_ARN']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  setStripeKeyLoader(undefined);
});

describe('the Stripe keys', () => {
  it('come from the environment locally, and billing stays in the ledger without a key', async () => {
    delete process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_SECRET_ARN;
    expect(await configuredProviderName()).toBe('ledger');
    process.env.STRIPE_SECRET_KEY = 'sk_test_env';
    process.env.STRIPE_WEBHOOK_SECRET = 'whsec_env';
    expect(await stripeKeys()).toEqual({ secretKey: 'sk_test_env', webhookSecret: 'whsec_env' });
    expect(await configuredProviderName()).toBe('stripe');
  });

  it('come from the secrets store in AWS (the ARN the stack gives), read once per container', async () => {
    delete process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_WEBHOOK_SECRET;
    process.env.STRIPE_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:delivery-hub/prod/stripe-AbCdEf';
    setStripeKeyLoader(undefined);
    await expect(stripeKeys()).rejects.toThrow(/no Stripe key loader/);
    let reads = 0;
    setStripeKeyLoader(async (arn) => {
      reads += 1;
      expect(arn).toContain('delivery-hub/prod/stripe');
      return { secretKey: 'sk_live_from_store', webhookSecret: 'whsec_from_store' };
    });
    expect(await stripeKeys()).toEqual({ secretKey: 'sk_live_from_store', webhookSecret: 'whsec_from_store' });
    expect(await configuredProviderName()).toBe('stripe');
    expect(reads).toBe(1);
  });
});
