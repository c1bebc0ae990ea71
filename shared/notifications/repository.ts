import { randomUUID } from 'node:crypto';
import { anyOf, changes, defineEntity, itemAbsent, tenantKey } from '../db/entity.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { writeIf, writeOne } from '../db/transact.js';
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

const epochSeconds = (ms: number) => Math.floor(ms / 1000);

interface Claim {
  tenantId: string;
  eventId: string;
  state: 'sending' | 'sent';
  claimToken: string;
  claimedAt: number;
  leaseExpiresAt: number;
}

/** "This event's e-mail was sent (or is being sent)": the recipient notifier's claim, one per event. */
export const notificationClaims = defineEntity<Claim, Pick<Claim, 'tenantId' | 'eventId'>>({
  name: 'notification_claim',
  key: ({ tenantId, eventId }) => ({ pk: `${tenantKey(tenantId)}#NOTIFIED#${eventId}`, sk: 'NOTIFIED' }),
  stored: ({ state, claimToken, leaseExpiresAt }) => ({ state, claimToken, leaseExpiresAt }),
  ttl: ({ claimedAt }) => epochSeconds(claimedAt) + MARKER_RETENTION_SECONDS,
});

/** E-mails to recipients kept in the table (the local outbox notifier), newest last. */
const mailbox = (tenantId: string) => `${tenantKey(tenantId)}#MAIL`;

export const mailOutbox = defineEntity<Notification, Pick<Notification, 'tenantId' | 'id'>>({
  name: 'notification',
  key: ({ tenantId, id }) => ({ pk: mailbox(tenantId), sk: id }),
  ttl: ({ createdAt }) => epochSeconds(Date.parse(createdAt)) + OUTBOX_RETENTION_SECONDS,
  parse: ({ id, tenantId, deliveryId, invoiceId, eventId, eventType, to, subject, text, html, createdAt }) =>
    ({ id, object: 'notification', channel: 'email', tenantId, ...(deliveryId ? { deliveryId } : {}), ...(invoiceId ? { invoiceId } : {}), eventId, eventType, to, subject, text, html, createdAt }) as Notification,
});


export const notificationRepository = {
  /**
   * Claims the right to send the e-mail of one event, with one conditional write. It fails when
   * the e-mail was sent, or another attempt is sending it right now; a claim whose attempt
   * crashed expires after CLAIM_LEASE_MS. Returns undefined when not claimed.
   */
  async claim(tenantId: string, eventId: string, now: Date): Promise<NotificationClaim | undefined> {
    const claim = { tenantId, eventId, token: randomUUID() };
    const abandoned = { expression: '#state = :sending AND leaseExpiresAt < :now', names: { '#state': 'state' }, values: { ':sending': 'sending', ':now': now.getTime() } };
    const claimed = await writeIf(
      notificationClaims.put({ tenantId, eventId, state: 'sending', claimToken: claim.token, claimedAt: now.getTime(), leaseExpiresAt: now.getTime() + CLAIM_LEASE_MS }, anyOf(itemAbsent, abandoned)),
    );
    return claimed ? claim : undefined;
  },

  async markSent(claim: NotificationClaim, messageId: string, now: Date): Promise<void> {
    await writeOne(
      notificationClaims.update(claim, changes({ set: { state: 'sent', sentAt: now.toISOString(), messageId } })),
      () => new Error(`The claim on the e-mail of event ${claim.eventId} is gone`),
    );
  },

  /** Gives the claim back after a failed send, so the retry of the event sends. */
  async release(claim: NotificationClaim): Promise<void> {
    // Not ours any more (taken over after its lease): nothing to give back.
    await writeIf(notificationClaims.delete(claim, { expression: 'claimToken = :token', values: { ':token': claim.token } }));
  },

  /** Keeps an e-mail in the tenant's outbox; the id comes from the event, so a repeat overwrites. */
  async putInOutbox(notification: Notification): Promise<void> {
    await writeOne(mailOutbox.put(notification), () => new Error('an unconditional write cannot be refused'));
  },

  /** A tenant's outbox, newest first. */
  async listOutbox(tenantId: string, page: PageRequest): Promise<Page<Notification>> {
    return mailOutbox.query({ partition: { pk: mailbox(tenantId) }, page, descending: true });
  },
};
