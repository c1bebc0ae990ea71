import { randomBytes } from 'node:crypto';
import { config } from '../config.js';
import type { PageRequest } from '../db/pagination.js';
import { writeOne } from '../db/transact.js';
import type { EventDetail } from '../events/definition.js';
import { newId } from '../ids.js';
import { logger } from '../logging/logger.js';
import { recordMetric } from '../observability/metrics.js';
import { MAX_LOGGED_ATTEMPTS, webhookRepository, type StoredEndpoint, type StoredMessage } from './repository.js';
import { classify, nextDelaySeconds } from './schedule.js';
import type { WebhookEndpoint, WebhookMessage } from './schemas.js';
import { sendWebhook } from './sender.js';
import { checkResolvedHost, checkUrlShape, type UrlPolicy } from './ssrf.js';
import { webhookErrors } from './errors.js';


/** In AWS only public https receivers; locally also http to loopback, so developers can test. */
export function urlPolicy(): UrlPolicy {
  return { allowLoopbackHttp: config.isLocal };
}

const LEASE_MS = 60_000;

export function endpointView(endpoint: StoredEndpoint): WebhookEndpoint {
  const { id, url, events, description, status, disabledReason, createdAt } = endpoint;
  return { id, object: 'webhook_endpoint', url, events, description, status, disabledReason, createdAt };
}

export function messageView(message: StoredMessage): WebhookMessage {
  const { id, endpointId, eventId, type, status, attempts, lastResponseStatus, nextAttemptAt, attemptLog, createdAt } = message;
  return { id, object: 'webhook_message', endpointId, eventId, type, status, attempts, lastResponseStatus, nextAttemptAt, attemptLog, createdAt };
}

export async function createEndpoint(tenantId: string, input: { url: string; events: string[]; description?: string | undefined }, now = new Date()) {
  const policy = urlPolicy();
  const url = checkUrlShape(input.url, policy);
  await checkResolvedHost(url, policy);
  const endpoint: StoredEndpoint = {
    id: newId('webhookEndpoint', now.getTime()),
    object: 'webhook_endpoint',
    tenantId,
    url: url.toString(),
    events: [...new Set(input.events)],
    description: input.description ?? null,
    status: 'enabled',
    disabledReason: null,
    createdAt: now.toISOString(),
    secret: `whsec_${randomBytes(32).toString('base64')}`,
  };
  const created = { ...endpointView(endpoint), secret: endpoint.secret };
  await writeOne(webhookRepository.createEndpoint(endpoint), () => new Error(`webhook endpoint ${endpoint.id} exists already`), { result: created });
  return created;
}

/** How long the old secret keeps signing after a rotation: receivers switch without losing a message. */
export const ROTATION_OVERLAP_HOURS = 24;

/**
 * A new signing secret for an endpoint, shown once. For 24 hours messages carry two signatures
 * (the new secret's and the old one's, space-separated, as Standard Webhooks allows), so a
 * receiver verifies with either while it switches.
 */
export async function rotateEndpointSecret(tenantId: string, endpointId: string, now = new Date()) {
  const endpoint = await webhookRepository.getEndpoint(tenantId, endpointId);
  if (!endpoint) throw webhookErrors.notFound('webhook endpoint', endpointId);
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const until = new Date(now.getTime() + ROTATION_OVERLAP_HOURS * 3600_000).toISOString();
  if (!(await webhookRepository.rotateSecret(endpoint, secret, until))) throw webhookErrors.error('invalid_transition', 'The secret was rotated meanwhile: list the endpoint and try again.');
  return { ...endpointView(endpoint), secret, previousSecretExpiresAt: until };
}

export async function listEndpoints(tenantId: string, page: PageRequest) {
  const result = await webhookRepository.listEndpoints(tenantId, page);
  return { ...result, data: result.data.map(endpointView) };
}

export async function deleteEndpoint(tenantId: string, endpointId: string) {
  if (!(await webhookRepository.deleteEndpoint(tenantId, endpointId))) throw webhookErrors.notFound('webhook endpoint', endpointId);
  return { id: endpointId, object: 'webhook_endpoint', deleted: true };
}

export async function listMessages(tenantId: string, endpointId: string, page: PageRequest) {
  if (!(await webhookRepository.getEndpoint(tenantId, endpointId))) throw webhookErrors.notFound('webhook endpoint', endpointId);
  const result = await webhookRepository.listMessages(tenantId, endpointId, page);
  return { ...result, data: result.data.map(messageView) };
}

/** A manual retry: the message goes back in the queue for a new round of attempts. */
export async function retryMessage(tenantId: string, endpointId: string, messageId: string, now = new Date()) {
  const endpoint = await webhookRepository.getEndpoint(tenantId, endpointId);
  const message = endpoint ? await webhookRepository.getMessage(tenantId, endpointId, messageId) : undefined;
  if (!endpoint || !message) throw webhookErrors.notFound('webhook message', messageId);
  if (endpoint.status === 'disabled') {
    throw webhookErrors.error('invalid_transition', 'This endpoint is disabled (it answered 410 Gone): create a new endpoint to receive messages again.');
  }
  if (message.status === 'pending') return messageView(message);
  const queued: StoredMessage = { ...message, status: 'pending', nextAttemptAt: now.toISOString(), roundStart: message.attempts };
  await webhookRepository.saveAttempt(queued);
  return messageView(queued);
}

/** `delivery.*` matches every delivery event; anything else must match exactly. */
export function filterMatches(filters: readonly string[], type: string): boolean {
  return filters.some((filter) => filter === type || (filter.endsWith('.*') && type.startsWith(filter.slice(0, -1))));
}

/** Standard Webhooks recommends the message id be stable per message: derived from the event, so a redelivered event finds its message. */
export function messageIdFor(eventId: string): string {
  return `msg_${eventId.slice('evt_'.length)}`;
}

/**
 * Fans an event out to the tenant's enabled endpoints that subscribe to it: one message per
 * endpoint (created once, whatever the redeliveries), each attempted at once and in parallel,
 * so a slow receiver only ever delays its own messages.
 */
export async function dispatchEvent(type: string, detail: EventDetail, now = new Date()): Promise<number> {
  if (detail.tenantId === null) return 0;
  const tenantId = detail.tenantId;
  const endpoints = (await webhookRepository.allEndpoints(tenantId)).filter((endpoint) => endpoint.status === 'enabled' && filterMatches(endpoint.events, type));
  const body = JSON.stringify({ type, timestamp: detail.occurredAt, data: detail.data });
  await Promise.all(
    endpoints.map(async (endpoint) => {
      const message: StoredMessage = {
        id: messageIdFor(detail.id),
        object: 'webhook_message',
        tenantId,
        endpointId: endpoint.id,
        eventId: detail.id,
        type,
        status: 'pending',
        attempts: 0,
        roundStart: 0,
        lastResponseStatus: null,
        nextAttemptAt: now.toISOString(),
        attemptLog: [],
        createdAt: now.toISOString(),
        body,
      };
      const created = await webhookRepository.createMessage(message);
      const current = created ? message : await webhookRepository.getMessage(tenantId, endpoint.id, message.id);
      if (current?.status === 'pending' && current.attempts === 0) await attempt(current, endpoint, now);
    }),
  );
  return endpoints.length;
}

/** One attempt of one message: lease, send, record, schedule the next one or give up. */
export async function attempt(message: StoredMessage, endpoint: StoredEndpoint | undefined, now = new Date()): Promise<StoredMessage | undefined> {
  if (!(await webhookRepository.lease(message, now.getTime(), LEASE_MS))) return undefined;
  if (!endpoint || endpoint.status !== 'enabled') {
    const closed: StoredMessage = { ...message, status: 'failed', nextAttemptAt: null };
    await webhookRepository.saveAttempt(closed);
    return closed;
  }
  const previous = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now.toISOString() ? endpoint.previousSecret : undefined;
  const result = await sendWebhook({ url: endpoint.url, secret: endpoint.secret, previousSecret: previous, messageId: message.id, body: message.body }, urlPolicy(), now);
  const attempts = message.attempts + 1;
  const attemptLog = [...message.attemptLog, { at: now.toISOString(), statusCode: result.statusCode, latencyMs: result.latencyMs, error: result.error }].slice(-MAX_LOGGED_ATTEMPTS);
  const outcome = classify(result.statusCode);
  recordMetric('WebhookAttempts');
  if (outcome !== 'success') recordMetric('WebhookFailures');
  let next: StoredMessage = { ...message, attempts, attemptLog, lastResponseStatus: result.statusCode };
  if (outcome === 'success') next = { ...next, status: 'delivered', nextAttemptAt: null };
  else if (outcome === 'gone') {
    await webhookRepository.disableEndpoint(message.tenantId, endpoint.id, 'The receiver answered 410 Gone.');
    next = { ...next, status: 'failed', nextAttemptAt: null };
  } else {
    const delay = nextDelaySeconds(attempts - message.roundStart, result.retryAfterSeconds);
    next = delay === null ? { ...next, status: 'failed', nextAttemptAt: null } : { ...next, status: 'pending', nextAttemptAt: new Date(now.getTime() + delay * 1000).toISOString() };
  }
  await webhookRepository.saveAttempt(next);
  logger.info('webhook attempt', { messageId: message.id, endpointId: endpoint.id, tenantId: message.tenantId, statusCode: result.statusCode, outcome: next.status, attempts });
  return next;
}

/** Retries every message that is due, in parallel (bounded), each with its own timeout. */
export async function sweepDueMessages(now = new Date(), limit = 100, parallel = 10): Promise<number> {
  const due = await webhookRepository.due(now, limit);
  const endpoints = new Map<string, Promise<StoredEndpoint | undefined>>();
  const endpointOf = (message: StoredMessage) => {
    const key = `${message.tenantId}/${message.endpointId}`;
    if (!endpoints.has(key)) endpoints.set(key, webhookRepository.getEndpoint(message.tenantId, message.endpointId));
    return endpoints.get(key) as Promise<StoredEndpoint | undefined>;
  };
  let index = 0;
  const worker = async () => {
    while (index < due.length) {
      const message = due[index++] as StoredMessage;
      await attempt(message, await endpointOf(message), now).catch((error: unknown) => logger.error('webhook retry failed', { messageId: message.id, error: String(error) }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, due.length) }, worker));
  return due.length;
}
