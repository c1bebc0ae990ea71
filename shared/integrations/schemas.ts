import * as z from 'zod';
import { Contact, Parcel, Window } from '../quotes/schemas.js';
import { Address, Timestamp } from '../schemas/common.js';

export const providers = ['shopify', 'woocommerce', 'generic'] as const;
export type Provider = (typeof providers)[number];

export const CreateIntegrationBody = z
  .strictObject({
    provider: z.enum(providers),
    pickup: z
      .strictObject({ address: Address, contact: Contact.optional() })
      .optional()
      .meta({ description: "Where the orders' parcels leave from. Left out: the tenant's default pickup (or its address) when each order is booked." }),
    defaultParcel: z.strictObject({ weightKg: Parcel.shape.weightKg }).optional(),
    secret: z
      .string()
      .min(16)
      .max(200)
      .optional()
      .meta({ description: "Shopify signs with a key it generates: give it here. Otherwise we generate the secret (WooCommerce: paste it in the webhook's settings)." }),
  })
  .meta({ id: 'CreateIntegrationRequest' });
export type CreateIntegrationBody = z.output<typeof CreateIntegrationBody>;

export const Integration = z
  .object({
    id: z.string(),
    object: z.literal('integration'),
    provider: z.enum(providers),
    url: z.string(),
    pickup: z
      .object({ address: z.record(z.string(), z.unknown()), contact: Contact.optional() })
      .nullable()
      .meta({ description: "null: the tenant's default pickup (or its address) applies to each order." }),
    defaultParcel: z.object({ weightKg: z.number() }).nullable(),
    createdAt: Timestamp,
    secretRotatedAt: Timestamp.nullable(),
  })
  .meta({ id: 'Integration' });
export type Integration = z.output<typeof Integration>;

export const IntegrationCreated = Integration.extend({ secret: z.string().meta({ description: 'Shown once.' }) }).meta({ id: 'IntegrationCreated' });

export const RotateSecretBody = z
  .strictObject({ gracePeriodHours: z.number().int().min(0).max(168).default(24) })
  .meta({ id: 'RotateSecretRequest' });

export const SecretRotated = z
  .object({ id: z.string(), object: z.literal('integration'), secret: z.string(), previousSecretExpiresAt: Timestamp })
  .meta({ id: 'SecretRotated' });

export const orderStatuses = ['booked', 'needs_review', 'awaiting_payment'] as const;

export const InboundOrder = z
  .object({
    id: z.string().meta({ description: "The platform's order id, as a string (ids beyond 2^53 keep every digit)." }),
    object: z.literal('inbound_order'),
    integrationId: z.string(),
    status: z.enum(orderStatuses),
    deliveryId: z.string().nullable(),
    reason: z
      .object({ code: z.string(), message: z.string(), param: z.string().optional().meta({ description: 'The field at fault, where one is.' }) })
      .nullable()
      .meta({ description: 'Why the order waits: `needs_review` (`address_not_geocoded`, `geocoder_unavailable`, `outside_service_area`, `invalid_order`...) or `awaiting_payment`.' }),
    request: z.record(z.string(), z.unknown()).nullable().meta({ description: 'What we understood of the order (drop-off, parcels).' }),
    receivedAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'InboundOrder' });
export type InboundOrder = z.output<typeof InboundOrder>;

export const InboundAccepted = z
  .object({ deliveryId: z.string().nullable(), status: z.enum(orderStatuses).optional(), reason: z.string().optional() })
  .meta({ id: 'InboundAccepted' });

export const FixOrderBody = z
  .strictObject({
    dropoff: z
      .strictObject({
        address: Address.optional().meta({ description: "Replaces the order's drop-off address." }),
        contact: Contact.partial().optional().meta({ description: 'Each field given replaces that field of the order\'s contact; the others are kept.' }),
      })
      .optional()
      .meta({ description: "Merged into the order's drop-off: send only what changes." }),
    parcels: z.array(Parcel).min(1).max(20).optional().meta({ description: "Replace the order's parcels." }),
  })
  .meta({ id: 'FixOrderRequest' });
export type FixOrderBody = z.output<typeof FixOrderBody>;

export const OrderParams = z.strictObject({ id: z.string().min(1).max(64), orderId: z.string().min(1).max(128) });

/** The generic provider's body: this contract's own shapes. */
export const GenericOrder = z
  .strictObject({
    orderId: z.union([z.string().min(1).max(128), z.number().int()]).meta({ description: 'Your order id: the same id posted again lands on the same delivery.' }),
    dropoff: z.strictObject({ address: Address, contact: Contact, window: Window.optional() }),
    parcels: z.array(Parcel).min(1).max(20).optional().meta({ description: "Without it, the integration's `defaultParcel`." }),
  })
  .meta({ id: 'GenericInboundOrder', description: 'An order posted to a `generic` integration, signed with Standard Webhooks headers.' });

/** What a platform posts to `POST /v1/inbound/{integrationId}`, documented (the function reads the signed bytes itself). */
export const InboundOrderBody = z.union([
  GenericOrder,
  z
    .record(z.string(), z.unknown())
    .meta({
      id: 'PlatformOrder',
      description: "A Shopify order (`orders/paid`, or `orders/create` once paid: `id`, `shipping_address`, `line_items`, `total_weight`) or a WooCommerce order (`id`, `shipping`, `line_items`, `status`), in the platform's own shape.",
    }),
]);

/** The signature headers each provider sends; only those of the integration's provider are read. */
export const InboundSignatureHeaders = z.object({
  'webhook-id': z.string().optional().meta({ description: 'generic: Standard Webhooks message id.' }),
  'webhook-timestamp': z.string().optional().meta({ description: 'generic: Standard Webhooks timestamp (seconds).' }),
  'webhook-signature': z.string().optional().meta({ description: 'generic: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the integration secret.' }),
  'X-Shopify-Hmac-Sha256': z.string().optional().meta({ description: 'shopify: base64 HMAC-SHA256 of the raw body with the integration secret.' }),
  'X-WC-Webhook-Signature': z.string().optional().meta({ description: 'woocommerce: base64 HMAC-SHA256 of the raw body with the integration secret.' }),
});
