import { config } from '../config.js';
import { readStripeKeysFromSecretsManager } from './secrets-manager-keys.js';

export interface StripeKeys {
  secretKey: string | undefined;
  webhookSecret: string | undefined;
}

type Loader = (secretArn: string) => Promise<StripeKeys>;
/** Secrets Manager by default; tests register their own. */
let loader: Loader | undefined = readStripeKeysFromSecretsManager;
let cached: { arn: string; keys: Promise<StripeKeys> } | undefined;

/**
 * Where the secrets store is read (issue 7: Secrets Manager). The reader registers here, so
 * billing does not depend on how the secret is fetched.
 */
export function setStripeKeyLoader(next: Loader | undefined): void {
  loader = next;
  cached = undefined;
}

/**
 * The Stripe keys, from one place. Locally and in tests they are `STRIPE_SECRET_KEY` and
 * `STRIPE_WEBHOOK_SECRET`. In AWS the stack gives the functions that declare
 * `needs: ['stripeSecrets']` the ARN of `delivery-hub/<stage>/stripe` (`STRIPE_SECRET_ARN`, a
 * JSON `{ secretKey, webhookSecret }`) and never the keys: they are read through the registered
 * loader, once per container. An ARN without a loader is a deployment error, and says so
 * (billing silently falling back to the ledger would issue invoices Stripe never sends).
 */
export async function stripeKeys(): Promise<StripeKeys> {
  const fromEnvironment = { secretKey: config.stripeSecretKey, webhookSecret: config.stripeWebhookSecret };
  const arn = process.env.STRIPE_SECRET_ARN;
  if (fromEnvironment.secretKey !== undefined || fromEnvironment.webhookSecret !== undefined || !arn) return fromEnvironment;
  if (!loader) throw new Error('STRIPE_SECRET_ARN is set but no Stripe key loader is registered (shared/billing/stripe-keys.ts).');
  if (cached?.arn !== arn) {
    const keys = loader(arn);
    cached = { arn, keys };
    keys.catch(() => {
      if (cached?.keys === keys) cached = undefined;
    });
  }
  return cached.keys;
}
