import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { keys } from '../db/keys.js';
import { queryPage, type Page, type PageRequest } from '../db/pagination.js';
import type { Notification } from './schemas.js';

/** Longer than the consumer may run: past it, a crashed attempt's claim can be taken over. */
export const CLAIM_LEASE_MS = 2 * 60_000;
/** Markers outlive any redelivery (EventBridge retries for at most 24 h). */
const MARKER_RETENTION_SECONDS = 7 * 24 * 3600;
/** The outbox holds recipients' addresses: it keeps them as long as a tracking link lives by default. */
const OUTBOX_RETENTION_SECONDS = 30 * 24 * 3600;

export interface NotificationClaim {
  tenantId: string;
  eventId: string;
  token: string;
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

export const notificationRepository = {
  /**
   * Claims the right to send the e-mail of one event, with one conditional write. It fails when
   * the e-mail was sent, or another attempt is sending it right now; a claim whose attempt
   * crashed expires after CLAIM_LEASE_MS. Returns undefined when not claimed.
   */
  async claim(tenantId: string, eventId: string, now: Date): Promise<NotificationClaim | undefined> {
    const claim = { tenantId, eventId, token: randomUUID() };
    try {
      await db().send(
        new PutCommand({
          TableName: config.tableName,
          Item: {
            ...keys.notificationSent(tenantId, eventId),
            entity: 'notification_claim',
            state: 'sending',
            claimToken: claim.token,
            leaseExpiresAt: now.getTime() + CLAIM_LEASE_MS,
            ttl: epochSeconds(now) + MARKER_RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :sending AND leaseExpiresAt < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sending': 'sending', ':now': now.getTime() },
        }),
      );
      return claim;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  },

  async markSent(claim: NotificationClaim, messageId: string, now: Date): Promise<void> {
    await db().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.notificationSent(claim.tenantId, claim.eventId),
        UpdateExpression: 'SET #state = :sent, sentAt = :at, messageId = :messageId',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sent': 'sent', ':at': now.toISOString(), ':messageId': messageId },
      }),
    );
  },

  /** Gives the claim back after a failed send, so the retry of the event sends. */
  async release(claim: NotificationClaim): Promise<void> {
    try {
      await db().send(
        new DeleteCommand({
          TableName: config.tableName,
          Key: keys.notificationSent(claim.tenantId, claim.eventId),
          ConditionExpression: 'claimToken = :token',
          ExpressionAttributeValues: { ':token': claim.token },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  },

  /** Keeps an e-mail in the tenant's outbox; the id comes from the event, so a repeat overwrites. */
  async putInOutbox(notification: Notification): Promise<void> {
    await db().send(
      new PutCommand({
        TableName: config.tableName,
        Item: {
          ...keys.notification(notification.tenantId, notification.id),
          entity: 'notification',
          ...notification,
          ttl: epochSeconds(new Date(notification.createdAt)) + OUTBOX_RETENTION_SECONDS,
        },
      }),
    );
  },

  /** A tenant's outbox, newest first. */
  async listOutbox(tenantId: string, page: PageRequest): Promise<Page<Notification>> {
    const result = await queryPage({ partition: keys.notificationPartition(tenantId), page, descending: true });
    return {
      ...result,
      data: result.data.map(
        ({ id, tenantId: owner, deliveryId, eventId, eventType, to, subject, text, html, createdAt }) =>
          ({ id, object: 'notification', channel: 'email', tenantId: owner, deliveryId, eventId, eventType, to, subject, text, html, createdAt }) as Notification,
      ),
    };
  },
};
