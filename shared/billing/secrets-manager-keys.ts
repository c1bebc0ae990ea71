import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { StripeKeys } from './stripe-keys.js';

let client: SecretsManagerClient | undefined;

const StoredKeys = z.object({ secretKey: z.string().optional(), webhookSecret: z.string().optional() });

/** Reads `{ secretKey, webhookSecret }` from the stage's Stripe secret in Secrets Manager. */
export async function readStripeKeysFromSecretsManager(secretArn: string): Promise<StripeKeys> {
  client ??= new SecretsManagerClient({});
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const parsed = StoredKeys.parse(JSON.parse(SecretString ?? '{}'));
  // An empty string (the template the stack creates) means "not configured yet".
  return { secretKey: parsed.secretKey || undefined, webhookSecret: parsed.webhookSecret || undefined };
}
