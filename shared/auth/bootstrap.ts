import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { keys } from '../db/keys.js';
import { newApiKeyItem, type IssuedKey } from './api-keys.js';

/**
 * Issues the hub's first admin key, once per table: the key and a marker are written in one
 * transaction, conditional on the marker's absence, so two starts racing still make one key.
 * Returns the key when this call made it (to print once), `undefined` when one already existed.
 */
export async function bootstrapAdminKey(): Promise<IssuedKey | undefined> {
  const { issued, item } = newApiKeyItem({ role: 'admin' });
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: config.tableName,
              Item: { ...keys.hubSetting('admin-bootstrap'), entity: 'setting', keyId: issued.id, createdAt: issued.createdAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: config.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
    return issued;
  } catch (error) {
    if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}
