import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod';
import { config } from '../config.js';

export interface StripeKeys {
  secretKey: string | undefined;
  webhookSecret: string | undefined;
}

/**
 * How long a container keeps the keys it read: rolling the Stripe key (put the new value in the
 * secret) reaches every function within this, with no redeploy.
 */
export const STRIPE_KEYS_MAX_AGE_SECONDS = 300;

const StoredKeys = z.object({ secretKey: z.string().optional(), webhookSecret: z.string().optional() });

/**
 * The Stripe keys, from one place. Locally and in tests they are `STRIPE_SECRET_KEY` and
 * `STRIPE_WEBHOOK_SECRET`. In AWS the stack gives the functions that declare
 * `needs: ['stripeSecrets']` the ARN of `delivery-hub/<stage>/stripe` (`STRIPE_SECRET_ARN`, a
 * JSON `{ secretKey, webhookSecret }`) and never the keys: they are read through Powertools
 * Parameters, cached `STRIPE_KEYS_MAX_AGE_SECONDS` per container. An empty value (the template
 * the stack creates) means "not configured yet": billing stays in the ledger.
 */
export async function stripeKeys(): Promise<StripeKeys> {
  const fromEnvironment = { secretKey: config.stripeSecretKey, webhookSecret: config.stripeWebhookSecret };
  const arn = process.env.STRIPE_SECRET_ARN;
  if (fromEnvironment.secretKey !== undefined || fromEnvironment.webhookSecret !== undefined || !arn) return fromEnvironment;
  const stored = StoredKeys.parse(await getSecret(arn, { maxAge: STRIPE_KEYS_MAX_AGE_SECONDS, transform: 'json' }));
  return { secretKey: stored.secretKey || undefined, webhookSecret: stored.webhookSecret || undefined };
}
