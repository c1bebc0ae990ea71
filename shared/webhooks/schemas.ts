import * as z from 'zod';
import { Timestamp } from '../schemas/common.js';
import { webhookEventTypes } from './rules.js';

/**
 * What an endpoint may subscribe to: a type endpoints receive, or `<area>.*` for an area that has
 * one. Anything else (a typo, `tenant.*`, an internal type) would be accepted and never fire.
 */
export const webhookEventFilters: readonly string[] = [...webhookEventTypes, ...new Set(webhookEventTypes.map((type) => `${type.slice(0, type.indexOf('.'))}.*`))];

/** An enum, so the 400 lists the valid values and the OpenAPI document shows them. */
export const EventFilter = z.enum(webhookEventFilters as [string, ...string[]]);

export const CreateEndpointBody = z
  .strictObject({
    url: z.string().min(1).max(2048),
    events: z.array(EventFilter).min(1).max(20),
    description: z.string().trim().max(200).optional(),
  })
  .meta({ id: 'CreateWebhookEndpointRequest' });

export const WebhookEndpoint = z
  .object({
    id: z.string(),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    status: z.enum(['enabled', 'disabled']),
    disabledReason: z.string().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpoint = z.output<typeof WebhookEndpoint>;

export const WebhookEndpointCreated = WebhookEndpoint.extend({
  secret: z.string().meta({ description: 'A Standard Webhooks secret (`whsec_` + base64). Shown once.' }),
}).meta({ id: 'WebhookEndpointCreated' });

export const Attempt = z.object({ at: Timestamp, statusCode: z.number().int().nullable(), latencyMs: z.number().int(), error: z.string().nullable() });

export const WebhookMessage = z
  .object({
    id: z.string(),
    object: z.literal('webhook_message'),
    endpointId: z.string(),
    eventId: z.string(),
    type: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastResponseStatus: z.number().int().nullable(),
    nextAttemptAt: Timestamp.nullable(),
    attemptLog: z.array(Attempt),
    createdAt: Timestamp,
  })
  .meta({ id: 'WebhookMessage' });
export type WebhookMessage = z.output<typeof WebhookMessage>;

export const MessageParams = z.strictObject({ id: z.string().min(1).max(64), msgId: z.string().min(1).max(64) });
