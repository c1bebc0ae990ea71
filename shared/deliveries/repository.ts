import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { withoutTableAttributes } from '../db/items.js';
import { keys } from '../db/keys.js';
import { queryPage, type Page, type PageRequest } from '../db/pagination.js';
import { isId } from '../ids.js';
import type { Delivery, DeliveryStatus } from './schemas.js';

const ENTITY = 'delivery';

export function deliveryItem(delivery: Delivery): Record<string, unknown> {
  return { ...keys.delivery(delivery.tenantId, delivery.id), ...keys.deliveryIndexes(delivery), entity: ENTITY, ...delivery };
}

export function fromItem(item: Record<string, unknown>): Delivery {
  return withoutTableAttributes<Delivery>(item);
}

/** Writes a new delivery, or the next version of one: never over a version someone else wrote. */
export function putDelivery(delivery: Delivery, previousVersion: number | undefined) {
  return {
    Put: {
      TableName: config.tableName,
      Item: deliveryItem(delivery),
      ...(previousVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: '#version = :previous', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':previous': previousVersion } }),
    },
  };
}

export const deliveryRepository = {
  /** A tenant's own delivery: one GetItem (the tenant is in the key). */
  async get(tenantId: string, deliveryId: string, consistent = false): Promise<Delivery | undefined> {
    if (!isId('delivery', deliveryId)) return undefined;
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.delivery(tenantId, deliveryId), ConsistentRead: consistent }));
    return Item?.entity === ENTITY ? fromItem(Item) : undefined;
  },

  /** Any tenant's delivery, for the hub and couriers: one Query on the id index. */
  async findById(deliveryId: string): Promise<Delivery | undefined> {
    if (!isId('delivery', deliveryId)) return undefined;
    const { gsi5pk } = keys.deliveryById(deliveryId);
    const { Items } = await db().send(
      new QueryCommand({ TableName: config.tableName, IndexName: 'gsi5', KeyConditionExpression: 'gsi5pk = :id', ExpressionAttributeValues: { ':id': gsi5pk }, Limit: 1 }),
    );
    const item = Items?.[0];
    return item?.entity === ENTITY ? fromItem(item) : undefined;
  },

  /** The delivery a public tracking link points at: the link's pointer item, then the delivery (two GetItems). */
  async findByTrackingToken(token: string): Promise<Delivery | undefined> {
    const { Item: pointer } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.trackingToken(token) }));
    if (pointer?.entity !== 'tracking') return undefined;
    const delivery = await deliveryRepository.get(String(pointer.tenantId), String(pointer.deliveryId));
    return delivery?.tracking.token === token ? delivery : undefined;
  },

  async listForTenant(tenantId: string, status: DeliveryStatus | undefined, page: PageRequest): Promise<Page<Delivery>> {
    const result = await queryPage({ index: status === undefined ? 'gsi1' : 'gsi2', partition: keys.tenantDeliveries(tenantId, status), page, descending: true });
    return { ...result, data: result.data.map(fromItem) };
  },

  async listForHub(status: DeliveryStatus, page: PageRequest): Promise<Page<Delivery>> {
    const result = await queryPage({ index: 'gsi3', partition: keys.hubDeliveries(status), page, descending: true });
    return { ...result, data: result.data.map(fromItem) };
  },

  async listOpenForCourier(courierId: string, page: PageRequest): Promise<Page<Delivery>> {
    const result = await queryPage({ index: 'gsi4', partition: keys.courierOpenDeliveries(courierId), page });
    return { ...result, data: result.data.map(fromItem) };
  },
};
