import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { withoutTableAttributes } from '../db/items.js';
import { keys } from '../db/keys.js';
import { queryPage, type Page, type PageRequest } from '../db/pagination.js';
import { writeOne, type WriteOptions } from '../db/transact.js';
import { isId } from '../ids.js';
import type { InboundOrder, Integration } from './schemas.js';

export interface Secret {
  value: string;
  /** null: in force; else the end of a rotation's grace period. */
  expiresAt: string | null;
}

export interface StoredIntegration extends Omit<Integration, 'url'> {
  tenantId: string;
  secrets: Secret[];
}

export interface StoredOrder extends InboundOrder {
  tenantId: string;
}

const strip = withoutTableAttributes;

export function orderItem(order: StoredOrder): Record<string, unknown> {
  return {
    ...keys.inboundOrder(order.tenantId, order.integrationId, order.id),
    ...keys.inboundOrderListing(order.tenantId, order.integrationId, order.receivedAt, order.id),
    entity: 'inbound_order',
    ...order,
  };
}

export const integrationRepository = {
  async create(integration: StoredIntegration, options: WriteOptions = {}): Promise<void> {
    await writeOne(
      {
        Put: {
          TableName: config.tableName,
          Item: {
            ...keys.integration(integration.tenantId, integration.id),
            ...keys.integrationListing(integration.tenantId, integration.id),
            ...keys.integrationById(integration.id),
            entity: 'integration',
            ...integration,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      () => new Error(`integration ${integration.id} exists already`),
      options,
    );
  },

  async get(tenantId: string, integrationId: string): Promise<StoredIntegration | undefined> {
    if (!isId('integration', integrationId)) return undefined;
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.integration(tenantId, integrationId), ConsistentRead: true }));
    return Item?.entity === 'integration' ? strip<StoredIntegration>(Item) : undefined;
  },

  /** For the public inbound endpoint, which knows the integration id only. */
  async findById(integrationId: string): Promise<StoredIntegration | undefined> {
    if (!isId('integration', integrationId)) return undefined;
    const { Items } = await db().send(
      new QueryCommand({ TableName: config.tableName, IndexName: 'gsi5', KeyConditionExpression: 'gsi5pk = :id AND gsi5sk = :kind', ExpressionAttributeValues: { ':id': integrationId, ':kind': 'INTEGRATION' } }),
    );
    const item = Items?.[0];
    return item?.entity === 'integration' ? strip<StoredIntegration>(item) : undefined;
  },

  async list(tenantId: string, page: PageRequest): Promise<Page<StoredIntegration>> {
    const result = await queryPage({ index: 'gsi1', partition: keys.integrationPartition(tenantId), page });
    return { ...result, data: result.data.map((item) => strip<StoredIntegration>(item)) };
  },

  async delete(tenantId: string, integrationId: string): Promise<boolean> {
    if (!isId('integration', integrationId)) return false;
    const { Attributes } = await db().send(new DeleteCommand({ TableName: config.tableName, Key: keys.integration(tenantId, integrationId), ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  },

  /** Replaces the secrets, on the condition nobody rotated in between. */
  async replaceSecrets(integration: StoredIntegration, secrets: Secret[], rotatedAt: string): Promise<boolean> {
    try {
      await db().send(
        new UpdateCommand({
          TableName: config.tableName,
          Key: keys.integration(integration.tenantId, integration.id),
          UpdateExpression: 'SET secrets = :secrets, secretRotatedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND secrets = :previous',
          ExpressionAttributeValues: { ':secrets': secrets, ':at': rotatedAt, ':previous': integration.secrets },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  async getOrder(tenantId: string, integrationId: string, orderId: string): Promise<StoredOrder | undefined> {
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.inboundOrder(tenantId, integrationId, orderId), ConsistentRead: true }));
    return Item?.entity === 'inbound_order' ? strip<StoredOrder>(Item) : undefined;
  },

  /** Keeps an order that could not be booked (yet); never over one that was booked. */
  async saveUnbooked(order: StoredOrder): Promise<boolean> {
    try {
      await db().send(
        new PutCommand({
          TableName: config.tableName,
          Item: orderItem(order),
          ConditionExpression: 'attribute_not_exists(pk) OR #status <> :booked',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':booked': 'booked' },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  async listOrders(tenantId: string, integrationId: string, page: PageRequest): Promise<Page<StoredOrder>> {
    const result = await queryPage({ index: 'gsi1', partition: keys.inboundOrderPartition(tenantId, integrationId), page, descending: true });
    return { ...result, data: result.data.map((item) => strip<StoredOrder>(item)) };
  },
};
