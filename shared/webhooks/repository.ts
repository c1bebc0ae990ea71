import { changes, defineEntity, tenantKey } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import { allPages, type Page, type PageRequest } from '../db/pagination.js';
import { writeIf, writeOne } from '../db/transact.js';
import { isId } from '../ids.js';
import type { WebhookEndpoint, WebhookMessage } from './schemas.js';

export interface StoredEndpoint extends WebhookEndpoint {
  tenantId: string;
  secret: string;
  /** After a rotation, the old secret also signs until `previousSecretExpiresAt`, so receivers can switch without losing a message. */
  previousSecret?: string;
  previousSecretExpiresAt?: string;
}

export interface StoredMessage extends WebhookMessage {
  tenantId: string;
  body: string;
  /** Attempts counted from here by the retry schedule (a manual retry starts a new round). */
  roundStart: number;
  leaseUntil?: number;
}

/** Keep the log readable and the item small: the last attempts tell the story. */
export const MAX_LOGGED_ATTEMPTS = 20;

/** Outbound webhook endpoints of a tenant (listed on gsi1), and the messages sent to each. */
const tenantEndpoints = (tenantId: string) => `${tenantKey(tenantId)}#WHE`;
const endpointMessages = (tenantId: string, endpointId: string) => `${tenantEndpoints(tenantId)}#${endpointId}#MSG`;
/** Messages waiting for their next attempt, by due time (gsi3): what the retry sweeper reads. */
const DUE = 'WEBHOOK#DUE';

export const endpoints = defineEntity<StoredEndpoint, Pick<StoredEndpoint, 'tenantId' | 'id'>>({
  name: 'webhook_endpoint',
  key: ({ tenantId, id }) => ({ pk: `${tenantEndpoints(tenantId)}#${id}`, sk: 'ENDPOINT' }),
  indexes: ({ tenantId, id }) => ({ gsi1pk: tenantEndpoints(tenantId), gsi1sk: id }),
});

export const messages = defineEntity<StoredMessage, Pick<StoredMessage, 'tenantId' | 'endpointId' | 'id'>>({
  name: 'webhook_message',
  key: ({ tenantId, endpointId, id }) => ({ pk: `${endpointMessages(tenantId, endpointId)}#${id}`, sk: 'MSG' }),
  indexes: ({ tenantId, endpointId, id, status, nextAttemptAt }) => ({
    gsi1pk: endpointMessages(tenantId, endpointId),
    gsi1sk: id,
    // Only a message still to attempt is in the due index: a finished one leaves it.
    ...(status === 'pending' && nextAttemptAt ? { gsi3pk: DUE, gsi3sk: `${nextAttemptAt}#${id}` } : {}),
  }),
});

const unconditional = () => new Error('An unconditional write was refused');

export const webhookRepository = {
  /** A new endpoint (the create endpoint writes it alone, as the effect of its request). */
  createEndpoint(endpoint: StoredEndpoint): TransactItem {
    return endpoints.create(endpoint);
  },

  async getEndpoint(tenantId: string, endpointId: string): Promise<StoredEndpoint | undefined> {
    if (!isId('webhookEndpoint', endpointId)) return undefined;
    return endpoints.get({ tenantId, id: endpointId });
  },

  async listEndpoints(tenantId: string, page: PageRequest): Promise<Page<StoredEndpoint>> {
    return endpoints.query({ partition: { gsi1pk: tenantEndpoints(tenantId) }, page });
  },

  /** Every endpoint of a tenant (a tenant has a handful): what dispatch fans out to. */
  allEndpoints(tenantId: string): Promise<StoredEndpoint[]> {
    return allPages((page) => this.listEndpoints(tenantId, page));
  },

  /** False when there was none to delete. */
  async deleteEndpoint(tenantId: string, endpointId: string): Promise<boolean> {
    if (!isId('webhookEndpoint', endpointId)) return false;
    return writeIf(endpoints.delete({ tenantId, id: endpointId }));
  },

  /** Stops sending to an endpoint (it answered 410 Gone); one deleted meanwhile stays deleted. */
  /** A new secret, the current one kept as the previous until `until`. */
  async rotateSecret(endpoint: StoredEndpoint, secret: string, until: string): Promise<boolean> {
    return writeIf(
      endpoints.update(endpoint, changes({ set: { secret, previousSecret: endpoint.secret, previousSecretExpiresAt: until } }), {
        expression: '#secret = :current',
        names: { '#secret': 'secret' },
        values: { ':current': endpoint.secret },
      }),
    );
  },

  async disableEndpoint(tenantId: string, endpointId: string, reason: string): Promise<void> {
    await writeIf(endpoints.update({ tenantId, id: endpointId }, changes({ set: { status: 'disabled', disabledReason: reason } })));
  },

  /** Creates the message for (endpoint, event) once: false when it already exists (a redelivered event). */
  async createMessage(message: StoredMessage): Promise<boolean> {
    return writeIf(messages.create(message));
  },

  async getMessage(tenantId: string, endpointId: string, messageId: string, consistent = true): Promise<StoredMessage | undefined> {
    if (!isId('webhookMessage', messageId) || !isId('webhookEndpoint', endpointId)) return undefined;
    return messages.get({ tenantId, endpointId, id: messageId }, { consistent });
  },

  async listMessages(tenantId: string, endpointId: string, page: PageRequest): Promise<Page<StoredMessage>> {
    return messages.query({ partition: { gsi1pk: endpointMessages(tenantId, endpointId) }, page, descending: true });
  },

  /** Takes a message for one attempt, so two sweepers never send it twice at once. */
  async lease(message: StoredMessage, now: number, leaseMs: number): Promise<boolean> {
    return writeIf(
      messages.update(message, changes({ set: { leaseUntil: now + leaseMs } }), {
        expression: '#status = :pending AND attempts = :attempts AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        names: { '#status': 'status' },
        values: { ':pending': 'pending', ':attempts': message.attempts, ':now': now },
      }),
    );
  },

  /** Writes the outcome of an attempt: the whole message, indexes following its status, the lease gone. */
  async saveAttempt(message: StoredMessage): Promise<void> {
    await writeOne(messages.put({ ...message, leaseUntil: undefined }), unconditional);
  },

  /** Messages whose next attempt is due, oldest first. */
  async due(now: Date, limit: number): Promise<StoredMessage[]> {
    return messages.queryAll({ partition: { gsi3pk: DUE }, range: { atMost: `${now.toISOString()}~` }, limit });
  },
};
