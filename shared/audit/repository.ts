import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { keys } from '../db/keys.js';
import { queryPage, type Page, type PageRequest } from '../db/pagination.js';
import type { EventDetail, EventType } from '../events/catalog.js';
import { HUB_SCOPE } from '../events/scope.js';
import type { AuditEvent } from './schemas.js';


export const auditRepository = {
  /** Idempotent on the event id: EventBridge delivers at least once. Returns false for a duplicate. */
  async record(type: EventType, detail: EventDetail): Promise<boolean> {
    const event: AuditEvent = { id: detail.id, object: 'event', type, occurredAt: detail.occurredAt, version: detail.version, data: detail.data };
    try {
      await db().send(
        new PutCommand({
          TableName: config.tableName,
          Item: { ...keys.tenantEvent(detail.tenantId ?? HUB_SCOPE, detail.id), entity: 'event', ...event },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },

  async list(tenantId: string, page: PageRequest): Promise<Page<AuditEvent>> {
    const result = await queryPage({ partition: keys.tenantEventPartition(tenantId), page, descending: true });
    return {
      ...result,
      data: result.data.map(({ id, type, occurredAt, version, data }) => ({ id, object: 'event', type, occurredAt, version, data }) as AuditEvent),
    };
  },
};
