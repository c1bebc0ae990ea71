import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { newApiKeyItem } from '../auth/api-keys.js';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { keys } from '../db/keys.js';
import { outboxEntry } from '../events/outbox.js';
import { newId } from '../ids.js';
import type { Courier, CreateCourierBody } from './schemas.js';

/** A courier and its key are written in one transaction: never a courier without a key, or the reverse. */
export async function createCourier(input: CreateCourierBody, now = new Date()): Promise<Courier & { apiKey: string }> {
  const courier: Courier = { id: newId('courier', now.getTime()), object: 'courier', name: input.name, createdAt: now.toISOString() };
  const { issued, item: keyItem } = newApiKeyItem({ role: 'courier', courierId: courier.id }, now);
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: config.tableName,
            Item: { ...keys.courier(courier.id), ...keys.courierListing(courier.id), entity: 'courier', ...courier },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: { TableName: config.tableName, Item: keyItem, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: outboxEntry('courier.created', null, { courierId: courier.id }, now).put },
      ],
    }),
  );
  return { ...courier, apiKey: issued.key };
}
