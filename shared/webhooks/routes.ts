import * as z from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { IdParam, listOf, PageQuery } from '../schemas/common.js';
import { CreateEndpointBody, MessageParams, WebhookEndpoint, WebhookEndpointCreated, WebhookMessage } from './schemas.js';
import { accessErrors } from '../auth/errors.js';
import { webhookErrors, webhookUrlErrors } from './errors.js';

/** Outbound status webhooks: a tenant's endpoints and their message log. */
export const webhookRoutes = {
  createWebhookEndpoint: defineRoute({
    method: 'POST',
    path: '/v1/webhook-endpoints',
    roles: ['tenant'],
    handler: 'functions/webhooks/create-endpoint.ts',
    summary: 'Registers an endpoint for status events (`delivery.*` or exact types). The secret is shown once.',
    tag: 'Webhooks',
    idempotent: true,
    request: { body: CreateEndpointBody },
    responses: { 201: { description: 'The endpoint and its signing secret.', schema: WebhookEndpointCreated } },
    errors: [accessErrors, webhookUrlErrors],
  }),
  listWebhookEndpoints: defineRoute({
    method: 'GET',
    path: '/v1/webhook-endpoints',
    roles: ['tenant'],
    handler: 'functions/webhooks/list-endpoints.ts',
    summary: "The tenant's webhook endpoints.",
    tag: 'Webhooks',
    request: { query: PageQuery },
    responses: { 200: { description: 'A page of endpoints.', schema: listOf(WebhookEndpoint) } },
    errors: [accessErrors],
  }),
  deleteWebhookEndpoint: defineRoute({
    method: 'DELETE',
    path: '/v1/webhook-endpoints/{id}',
    roles: ['tenant'],
    handler: 'functions/webhooks/delete-endpoint.ts',
    summary: 'Deletes an endpoint: nothing more is sent to it.',
    tag: 'Webhooks',
    request: { params: IdParam },
    responses: { 200: { description: 'Deleted.', schema: z.object({ id: z.string(), object: z.literal('webhook_endpoint'), deleted: z.literal(true) }) } },
    errors: [accessErrors, webhookErrors],
  }),
  rotateWebhookSecret: defineRoute({
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/rotate-secret',
    roles: ['tenant'],
    handler: 'functions/webhooks/rotate-secret.ts',
    summary: 'A new signing secret, shown once. For 24 hours messages carry both signatures (new and old, space-separated in `webhook-signature`), so the receiver switches without losing a message.',
    tag: 'Webhooks',
    request: { params: IdParam },
    responses: { 200: { description: 'The endpoint and its new secret.', schema: WebhookEndpoint.extend({ secret: z.string(), previousSecretExpiresAt: z.string() }).meta({ id: 'WebhookEndpointRotated' }) } },
    errors: [accessErrors, webhookErrors],
  }),
  listWebhookMessages: defineRoute({
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}/messages',
    roles: ['tenant'],
    handler: 'functions/webhooks/list-messages.ts',
    summary: 'The messages sent to an endpoint, newest first, with every attempt (time, status code, latency, error).',
    tag: 'Webhooks',
    request: { params: IdParam, query: PageQuery },
    responses: { 200: { description: 'A page of messages.', schema: listOf(WebhookMessage) } },
    errors: [accessErrors, webhookErrors],
  }),
  retryWebhookMessage: defineRoute({
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/messages/{msgId}/retry',
    roles: ['tenant'],
    handler: 'functions/webhooks/retry-message.ts',
    summary: 'Queues a message for a new round of attempts (a failed one included).',
    tag: 'Webhooks',
    request: { params: MessageParams },
    responses: { 202: { description: 'Queued.', schema: WebhookMessage } },
    errors: [accessErrors, webhookErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
