import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStripeKeysFromSecretsManager } from '../../shared/billing/secrets-manager-keys.js';

const secrets = mockClient(SecretsManagerClient);
const arn = 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:delivery-hub/prod/stripe-AbCdEf';

beforeEach(() => secrets.reset());
afterEach(() => secrets.reset());

describe('the Stripe keys in AWS', () => {
  it('are read from the stage secret by its ARN', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: JSON.stringify({ secretKey: 'sk_live_x', webhookSecret: 'whsec_x' }) });
    expect(await readStripeKeysFromSecretsManager(arn)).toEqual({ secretKey: 'sk_live_x', webhookSecret: 'whsec_x' });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('count the empty template the stack creates as "not configured"', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ secretKey: '', webhookSecret: '' }) });
    expect(await readStripeKeysFromSecretsManager(arn)).toEqual({ secretKey: undefined, webhookSecret: undefined });
  });

  it('refuse a secret that is not the expected JSON', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ secretKey: 42 }) });
    await expect(readStripeKeysFromSecretsManager(arn)).rejects.toThrow();
  });
});
