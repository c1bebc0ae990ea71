import type { Stack } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { capabilities, type Capability } from '../shared/capabilities.js';

/**
 * Who recipients' e-mails come from, resolved from the context: `sesIdentity` (a verified SES
 * identity: a domain such as `coop.example`, or one address) and/or `sesFromAddress` (the
 * `From:` of the e-mails, `Name <address>` allowed).
 */
export interface EmailSender {
  /** `SES_FROM_ADDRESS`. */
  fromAddress: string;
  /** The SES identities `ses:SendEmail` is granted on (their ARNs). */
  identities: string[];
}

function bareAddress(fromAddress: string): string {
  return /<([^<>]+)>\s*$/.exec(fromAddress)?.[1] ?? fromAddress.trim();
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * - neither: `undefined` (e-mails stay in the table outbox, nothing is granted);
 * - `sesIdentity` only: a domain sends as `no-reply@<domain>`, an address as itself;
 * - `sesFromAddress` only: the address's own identity or its domain's, whichever is verified;
 * - both: the address must belong to the identity (itself, its domain or a subdomain), else the
 *   synthesis fails here rather than every e-mail failing in AWS with AccessDenied.
 */
export function emailSender(options: { sesIdentity?: string | undefined; sesFromAddress?: string | undefined }): EmailSender | undefined {
  const identity = options.sesIdentity?.trim() || undefined;
  const from = options.sesFromAddress?.trim() || undefined;
  if (identity === undefined && from === undefined) return undefined;
  if (identity === undefined) {
    const address = bareAddress(from as string);
    return { fromAddress: from as string, identities: [...new Set([address, domainOf(address)])] };
  }
  if (from === undefined) {
    return { fromAddress: identity.includes('@') ? identity : `no-reply@${identity}`, identities: [identity] };
  }
  const address = bareAddress(from).toLowerCase();
  const wanted = identity.toLowerCase();
  const domain = domainOf(address);
  const belongs = identity.includes('@') ? address === wanted : domain === wanted || domain.endsWith(`.${wanted}`);
  if (!belongs) throw new Error(`sesFromAddress '${from}' is not an address of the SES identity '${identity}': SES would refuse every e-mail.`);
  return { fromAddress: from, identities: [identity] };
}

/** What the capabilities are granted on: the stage's resources. */
export interface CapabilityResources {
  stack: Stack;
  /** Undefined when no SES identity is configured. */
  email: EmailSender | undefined;
  /** `delivery-hub/<stage>/stripe`. */
  stripeSecret: ISecret;
  eventBus: IEventBus;
  /**
   * The seller's identity from the `seller` context, as `BILLING_SELLER_*` variables
   * (`sellerEnvironment` of `shared/billing/seller.ts`). Empty or undefined without that context:
   * the functions then fall back to configuration's placeholders, which prod refuses to invoice with.
   */
  sellerEnvironment?: Readonly<Record<string, string>> | undefined;
  /** The proof-of-delivery photos (`infra/constructs/proof-photos.ts`). */
  proofPhotos: IBucket;
}

/** One capability's grant: IAM statements on the function's role, and environment variables. */
export interface CapabilityGrant {
  statements: PolicyStatement[];
  environment: Record<string, string>;
}

/**
 * The grant of each capability. A `Record` over every capability of `shared/capabilities.ts`, so
 * a capability added there does not type-check until it is mapped here.
 */
const grants: Record<Capability, (resources: CapabilityResources) => CapabilityGrant> = {
  sendEmail: ({ stack, email }): CapabilityGrant =>
    email === undefined
      ? // No identity: the notifier keeps e-mails in the table's outbox; no SES permission at all.
        { statements: [], environment: { NOTIFIER: 'outbox' } }
      : {
          // SES v2 authorises SendEmail on the identity the message is sent from.
          statements: [
            new PolicyStatement({
              actions: ['ses:SendEmail'],
              resources: email.identities.map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })),
            }),
          ],
          environment: { NOTIFIER: 'ses', SES_FROM_ADDRESS: email.fromAddress },
        },
  stripeSecrets: ({ stripeSecret }) => ({
    // GetSecretValue only (grantRead would add DescribeSecret), on this one secret.
    statements: [new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [stripeSecret.secretArn] })],
    environment: { STRIPE_SECRET_ARN: stripeSecret.secretArn },
  }),
  publishEvents: ({ eventBus }) => ({
    statements: [new PolicyStatement({ actions: ['events:PutEvents'], resources: [eventBus.eventBusArn] })],
    // EVENT_BUS_NAME is in every function's environment already.
    environment: {},
  }),
  // Configuration only (`configurationOnly`): variables, never a statement. STAGE, which decides
  // whether a placeholder is refused, is in every function's environment already.
  sellerIdentity: ({ sellerEnvironment }) => ({ statements: [], environment: { ...sellerEnvironment } }),
  proofPhotos: ({ proofPhotos }) => ({
    // The objects only (`<bucket ARN>/*`): no s3:ListBucket, nothing bucket-wide.
    statements: [new PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], resources: [proofPhotos.arnForObjects('*')] })],
    environment: { PROOF_PHOTOS_BUCKET: proofPhotos.bucketName },
  }),
};

/** The grant of one capability on these resources (tests read it directly). */
export function capabilityGrant(capability: Capability, resources: CapabilityResources): CapabilityGrant {
  if (!Object.hasOwn(capabilities, capability)) throw new Error(`Unknown capability '${String(capability)}' (see shared/capabilities.ts)`);
  return grants[capability](resources);
}

/** The capabilities a definition needs (sorted, without repeats). */
export function needsOf(definition: { needs?: readonly Capability[] | undefined }): Capability[] {
  return [...new Set<Capability>(definition.needs ?? [])].sort();
}

/**
 * The IAM statements of these capabilities: what the execution role of the functions that need
 * exactly these is given (functions with the same needs share that role, `infra/permissions.ts`).
 */
export function capabilityStatements(needs: readonly Capability[], resources: CapabilityResources): PolicyStatement[] {
  return needs.flatMap((capability) => capabilityGrant(capability, resources).statements);
}

/** The environment variables of these capabilities: given to each function that needs them, and to no other. */
export function capabilityEnvironment(needs: readonly Capability[], resources: CapabilityResources): Record<string, string> {
  return Object.assign({}, ...needs.map((capability) => capabilityGrant(capability, resources).environment)) as Record<string, string>;
}
