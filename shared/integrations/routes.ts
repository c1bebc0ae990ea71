import * as z from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { IdParam, listOf, PageQuery } from '../schemas/common.js';
import { CreateIntegrationBody, FixOrderBody, InboundAccepted, InboundOrder, InboundOrderBody, InboundSignatureHeaders, Integration, IntegrationCreated, OrderParams, RotateSecretBody, SecretRotated } from './schemas.js';
import { accessErrors } from '../auth/errors.js';
import { bookingErrors } from '../deliveries/errors.js';
import { capacityErrors, geocodingErrors } from '../geo/errors.js';
import { createIntegrationErrors, inboundErrors, integrationErrors, orderFixErrors } from './errors.js';
import { priceErrors } from '../pricing/errors.js';
import { pricingErrors, stopErrors } from '../quotes/errors.js';

/** Inbound order webhooks: shops' platforms create deliveries from paid orders. */
export const integrationRoutes = {
  createIntegration: defineRoute({
    method: 'POST',
    path: '/v1/integrations',
    roles: ['tenant'],
    handler: 'functions/integrations/create-integration.ts',
    summary: 'Connects a shop platform (Shopify, WooCommerce, or any system that signs with Standard Webhooks): its URL and secret.',
    tag: 'Integrations',
    idempotent: true,
    request: { body: CreateIntegrationBody },
    responses: { 201: { description: 'The integration, with its secret shown once.', schema: IntegrationCreated } },
    errors: [accessErrors, createIntegrationErrors, geocodingErrors],
  }),
  listIntegrations: defineRoute({
    method: 'GET',
    path: '/v1/integrations',
    roles: ['tenant'],
    handler: 'functions/integrations/list-integrations.ts',
    summary: "The tenant's integrations.",
    tag: 'Integrations',
    request: { query: PageQuery },
    responses: { 200: { description: 'A page of integrations.', schema: listOf(Integration) } },
    errors: [accessErrors],
  }),
  deleteIntegration: defineRoute({
    method: 'DELETE',
    path: '/v1/integrations/{id}',
    roles: ['tenant'],
    handler: 'functions/integrations/delete-integration.ts',
    summary: 'Disconnects a platform: its posts are refused from now on.',
    tag: 'Integrations',
    request: { params: IdParam },
    responses: { 200: { description: 'Deleted.', schema: z.object({ id: z.string(), object: z.literal('integration'), deleted: z.literal(true) }) } },
    errors: [accessErrors, integrationErrors],
  }),
  rotateIntegrationSecret: defineRoute({
    method: 'POST',
    path: '/v1/integrations/{id}/rotate-secret',
    roles: ['tenant'],
    handler: 'functions/integrations/rotate-secret.ts',
    summary: 'Issues a new secret; the previous one keeps working for the grace period (24 h by default).',
    tag: 'Integrations',
    request: { params: IdParam, body: RotateSecretBody },
    responses: { 200: { description: 'The new secret, shown once.', schema: SecretRotated } },
    errors: [accessErrors, integrationErrors],
  }),
  listIntegrationOrders: defineRoute({
    method: 'GET',
    path: '/v1/integrations/{id}/orders',
    roles: ['tenant'],
    handler: 'functions/integrations/list-orders.ts',
    summary: 'The orders received, newest first, with their delivery or the reason they need review.',
    tag: 'Integrations',
    request: { params: IdParam, query: PageQuery },
    responses: { 200: { description: 'A page of orders.', schema: listOf(InboundOrder) } },
    errors: [accessErrors, integrationErrors],
  }),
  bookIntegrationOrder: defineRoute({
    method: 'POST',
    path: '/v1/integrations/{id}/orders/{orderId}/book',
    roles: ['tenant'],
    handler: 'functions/integrations/book-order.ts',
    summary: 'Books an order kept for review, with what was missing: the drop-off fields sent are merged into the order\'s (an address replaces the address, contact fields replace those fields only), parcels replace the parcels. An empty body retries as is (after an address-service outage).',
    tag: 'Integrations',
    request: { params: OrderParams, body: FixOrderBody },
    // A refusal (422, 503) keeps the fix: the next call starts from it.
    responses: { 201: { description: 'The order, now booked.', schema: InboundOrder } },
    errors: [accessErrors, orderFixErrors, bookingErrors, stopErrors, geocodingErrors, pricingErrors, priceErrors, capacityErrors],
  }),
  inboundOrder: defineRoute({
    method: 'POST',
    path: '/v1/inbound/{integrationId}',
    roles: 'public',
    handler: 'functions/integrations/inbound.ts',
    watched: true,
    summary: "Where a shop's platform posts its orders, signed. The same order posted again answers the same delivery.",
    tag: 'Integrations',
    request: {
      params: z.strictObject({ integrationId: z.string().min(1).max(64) }),
      rawBody: { description: "The order, as the integration's provider sends it; the signature is checked over these exact bytes.", schema: InboundOrderBody },
      headers: InboundSignatureHeaders,
    },
    responses: {
      202: { description: 'Booked (`deliveryId`), or kept: `needs_review` with its reason, or `awaiting_payment`.', schema: InboundAccepted },
      200: { description: "WooCommerce's activation ping, answered with an empty object.", schema: z.object({}) },
    },
    errors: [inboundErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;

