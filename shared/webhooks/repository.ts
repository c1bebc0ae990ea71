import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { withoutTableAttributes } from '../db/items.js';
import { keys } from '../db/keys.js';
import { allPages, queryPage, type Page, type PageRequest } from '../db/pagination.js';
import { writeOne, type WriteOptions } from '../db/transact.js';
import { isId } from '../ids.js';
import type { WebhookEndpoint, WebhookMessage } from './schemas.js';

export interface StoredEndpoint extends WebhookEndpoint {
  tenantId: string;
  secret: string;
}

export interface StoredMessage extends WebhookMessage {
  tenantId: string;
  body: string;
  /** Attempts counted from here by the retry schedule (a manual retry starts a new round). */
  roundStart: number;
  leaseUntil?: number;
}

const strip = withoutTableAttributes;

/** Keep the log readable and the item small: the last attempts tell the story. */
export const MAX_LOGGED_ATTEMPTS = 20;

export const webhookRepository = {
  async createEndpoint(endpoint: StoredEndpoint, options: WriteOptions = {}): Promise<void> {
    await writeOne(
      {
        Put: {
          TableName: config.tableName,
          Item: { ...keys.webhookEndpoint(endpoint.tenantId, endpoint.id), ...keys.webhookEndpointListing(endpoint.tenantId, endpoint.id), entity: 'webhook_endpoint', ...endpoint },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      () => new Error(`webhook endpoint ${endpoint.id} exists already`),
      options,
    );
  },

  async getEndpoint(tenantId: string, endpointId: string): Promise<StoredEndpoint | undefined> {
    if (!isId('webhookEndpoint', endpointId)) return undefined;
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.webhookEndpoint(tenantId, endpointId) }));
    return Item?.entity === 'webhook_endpoint' ? strip<StoredEndpoint>(Item) : undefined;
  },

  async listEndpoints(tenantId: string, page: PageRequest): Promise<Page<StoredEndpoint>> {
    const result = await queryPage({ index: 'gsi1', partition: keys.webhookEndpointPartition(tenantId), page });
    return { ...result, data: result.data.map((item) => strip<StoredEndpoint>(item)) };
  },

  /** Every endpoint of a tenant (a tenant has a handful): what dispatch fans out to. */
  allEndpoints(tenantId: string): Promise<StoredEndpoint[]> {
    return allPages((page) => this.listEndpoints(tenantId, page));
  },

  async deleteEndpoint(tenantId: string, endpointId: string): Promise<boolean> {
    if (!isId('webhookEndpoint', endpointId)) return false;
    const { Attributes } = await db().send(new DeleteCommand({ TableName: config.tableName, Key: keys.webhookEndpoint(tenantId, endpointId), ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  },

  async disableEndpoint(tenantId: string, endpointId: string, reason: string): Promise<void> {
    try {
      await db().send(
        new UpdateCommand({
          TableName: config.tableName,
          Key: keys.webhookEndpoint(tenantId, endpointId),
          UpdateExpression: 'SET #status = :disabled, disabledReason = :reason',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':disabled': 'disabled', ':reason': reason },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  },

  /** Creates the message for (endpoint, event) once: false when it already exists (a redelivered event). */
  async createMessage(message: StoredMessage): Promise<boolean> {
    try {
      await db().send(
        new PutCommand({
          TableName: config.tableName,
          Item: {
            ...keys.webhookMessage(message.tenantId, message.endpointId, message.id),
            ...keys.webhookMessageListing(message.tenantId, message.endpointId, message.id),
            ...(message.nextAttemptAt ? keys.webhookDue(message.nextAttemptAt, message.id) : {}),
            entity: 'webhook_message',
            ...message,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  async getMessage(tenantId: string, endpointId: string, messageId: string, consistent = true): Promise<StoredMessage | undefined> {
    if (!isId('webhookMessage', messageId) || !isId('webhookEndpoint', endpointId)) return undefined;
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.webhookMessage(tenantId, endpointId, messageId), ConsistentRead: consistent }));
    return Item?.entity === 'webhook_message' ? strip<StoredMessage>(Item) : undefined;
  },

  async listMessages(tenantId: string, endpointId: string, page: PageRequest): Promise<Page<StoredMessage>> {
    const result = await queryPage({ index: 'gsi1', partition: keys.webhookMessagePartition(tenantId, endpointId), page, descending: true });
    return { ...result, data: result.data.map((item) => strip<StoredMessage>(item)) };
  },

  /** Takes a message for one attempt, so two sweepers never send it twice at once. */
  async lease(message: StoredMessage, now: number, leaseMs: number): Promise<boolean> {
    try {
      await db().send(
        new UpdateCommand({
          TableName: config.tableName,
          Key: keys.webhookMessage(message.tenantId, message.endpointId, message.id),
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: '#status = :pending AND attempts = :attempts AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':until': now + leaseMs, ':pending': 'pending', ':attempts': message.attempts, ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  /** Writes the outcome of an attempt: the whole message, indexes following its status. */
  async saveAttempt(message: StoredMessage): Promise<void> {
    await db().send(
      new PutCommand({
        TableName: config.tableName,
        Item: {
          ...keys.webhookMessage(message.tenantId, message.endpointId, message.id),
          ...keys.webhookMessageListing(message.tenantId, message.endpointId, message.id),
          ...(message.status === 'pending' && message.nextAttemptAt ? keys.webhookDue(message.nextAttemptAt, message.id) : {}),
          entity: 'webhook_message',
          ...message,
          leaseUntil: undefined,
        },
      }),
    );
  },

  /** Messages whose next attempt is due, oldest first. */
  async due(now: Date, limit: number): Promise<StoredMessage[]> {
    const { Items } = await db().send(
      new QueryCommand({
        TableName: config.tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :due AND gsi3sk <= :now',
        ExpressionAttributeValues: { ':due': 'WEBHOOK#DUE', ':now': `${now.toISOString()}~` },
        Limit: limit,
      }),
    );
    return (Items ?? []).map((item) => strip<StoredMessage>(item));
  },
};
