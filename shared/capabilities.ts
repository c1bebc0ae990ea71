/**
 * What a function may do beyond its defaults, declared as data on the definition it is built
 * from: a route (`shared/http/route.ts`), an event rule's target (`shared/events/rules.ts`) or a
 * schedule (`shared/schedules.ts`), as `needs: ['sendEmail']`. The CDK stack maps each capability
 * to one least-privilege grant (`infra/capabilities.ts`); a function whose definition does not
 * list a capability gets neither its permission nor its environment. The defaults, which need no
 * capability: a route reads and writes the table (except the data-free public routes), a consumer
 * and a scheduled handler too, and every function writes its own logs and traces.
 */
export const capabilities = {
  /**
   * Sends e-mail with Amazon SES v2: `ses:SendEmail` from the configured identity only
   * (`-c sesIdentity=…`), with `NOTIFIER=ses` and `SES_FROM_ADDRESS`. With no identity
   * configured, nothing is granted and `NOTIFIER=outbox` keeps e-mails in the table.
   */
  sendEmail: 'Sends e-mail with Amazon SES (ses:SendEmail from the configured identity).',
  /**
   * Reads the stage's Stripe keys: `secretsmanager:GetSecretValue` on the one secret
   * `delivery-hub/<stage>/stripe` (JSON `{ "secretKey", "webhookSecret" }`), whose ARN is in
   * `STRIPE_SECRET_ARN`. The keys themselves are never in the environment or the template.
   */
  stripeSecrets: 'Reads the Stripe keys (secretsmanager:GetSecretValue on delivery-hub/<stage>/stripe).',
  /**
   * Puts events on the stage's bus directly (`events:PutEvents` on that bus only). Rarely right:
   * an event that records a state change belongs in the outbox, in the change's own transaction,
   * and the outbox relay publishes it. For events with no table write behind them.
   */
  publishEvents: 'Puts events on the stage bus directly (events:PutEvents on that bus), outside the outbox.',
  /**
   * Issues or renders invoices: the seller's identity from the stack's `-c seller=…` context, as
   * the `BILLING_SELLER_*` variables `shared/billing/seller.ts` reads (SIRET, VAT number, IBAN…).
   * Configuration only: no permission (see `configurationOnly`).
   */
  sellerIdentity: "Issues or renders invoices (the seller's identity from the deploy context, as BILLING_SELLER_* variables; no permission).",
  /**
   * Stores and reads proof-of-delivery photos: `s3:PutObject`, `s3:GetObject` and
   * `s3:DeleteObject` on the objects of the stage's proof-photo bucket, nothing on the bucket
   * itself (no listing), with `PROOF_PHOTOS_BUCKET`. The presigned forms and URLs it signs act with
   * these permissions, so they too reach that bucket's objects only.
   */
  proofPhotos: 'Stores and reads proof-of-delivery photos (s3:PutObject, s3:GetObject, s3:DeleteObject on the objects of the proof-photo bucket).',
} as const;

export type Capability = keyof typeof capabilities;

/**
 * Capabilities that carry configuration only (environment variables), never a permission. They
 * are not part of a permission profile (`infra/permissions.ts`): declaring one gives a function
 * its variables without moving it to another execution role.
 */
export const configurationOnly: ReadonlySet<Capability> = new Set<Capability>(['sellerIdentity']);
