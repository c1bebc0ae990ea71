import { config } from '../config.js';
import type { Delivery } from '../deliveries/schemas.js';
import type { EventDetail } from '../events/definition.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { idPrefixes, isId } from '../ids.js';
import { activeNotifier } from './adapters.js';
import { composeRecipientEmail } from './messages.js';
import { notificationRepository } from './repository.js';
import type { Notification, NotifiedEventType } from './schemas.js';
import type { OutgoingEmail } from './notifier.js';

export type NotifyOutcome = 'sent' | 'duplicate' | 'no_recipient';


/** One e-mail per event, and its id follows from the event's: `evt_01J…` → `ntf_01J…`. */
export function notificationIdFor(eventId: string): string {
  return `${idPrefixes.notification}_${eventId.slice(eventId.indexOf('_') + 1)}`;
}

/**
 * E-mails the person the delivery serves (the drop-off contact, or the pickup contact of a
 * `pickup`: the donor), when they have an e-mail address, about a delivery
 * event, at most once per event although EventBridge delivers at least once: a conditional
 * "claimed" marker keyed by the event id is written before sending and marked sent after. A
 * failed send gives the claim back and throws, so the bus retries. Only a crash between the
 * provider's acceptance and the marker's update can send twice (after the claim's lease).
 */
export async function notifyRecipient(type: NotifiedEventType, detail: EventDetail<Delivery>, now = new Date()): Promise<NotifyOutcome> {
  const delivery = detail.data;
  // The person a delivery serves: the recipient at the drop-off, or for a pickup the donor at the pickup.
  const to = (delivery.kind === 'pickup' ? delivery.pickup.contact : delivery.dropoff.contact)?.email;
  // A first leg (pickup → hub) has no recipient of its own: the delivery it belongs to tells them.
  if (to === undefined || detail.tenantId === null || delivery.leg) return 'no_recipient';

  const content = composeRecipientEmail(type, delivery, { hubName: config.hubName, retentionDays: config.trackingRetentionDays });
  return sendOnce({ id: notificationIdFor(detail.id), tenantId: detail.tenantId, deliveryId: delivery.id, eventId: detail.id, eventType: type, to, ...content }, now);
}

/**
 * Sends the e-mail of one event at most once, although EventBridge delivers at least once: a
 * conditional claim keyed by the event id before sending, marked sent after; a failed send gives
 * the claim back and throws, so the bus retries.
 */
export async function sendOnce(email: OutgoingEmail, now: Date): Promise<'sent' | 'duplicate'> {
  const claim = await notificationRepository.claim(email.tenantId, email.eventId, now);
  if (!claim) return 'duplicate';
  let messageId: string;
  try {
    ({ messageId } = await activeNotifier().send(email, now));
  } catch (error) {
    await notificationRepository.release(claim);
    throw error;
  }
  await notificationRepository.markSent(claim, messageId, now);
  return 'sent';
}

/** The e-mails the table outbox kept for a tenant's recipients (an id that cannot be a tenant's has none). */
export async function listOutboxEmails(tenantId: string, page: PageRequest): Promise<Page<Notification>> {
  if (!isId('tenant', tenantId) && tenantId !== 'hub') return { data: [], hasMore: false, nextCursor: null };
  return notificationRepository.listOutbox(tenantId, page);
}
