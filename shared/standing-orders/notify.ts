import { config } from '../config.js';
import type { EventDetail } from '../events/definition.js';
import { notificationIdFor, sendOnce } from '../notifications/service.js';
import { getTenant } from '../tenants/service.js';
import { occurrenceFailedEmail } from './emails.js';
import type { OccurrenceFailedData } from './events.js';
import { standingOrderRepository as repository } from './repository.js';

/**
 * The tenant's e-mail about a day that could not be booked, from its
 * `standing_order.occurrence_failed` event (the `standing-order-notify` consumer), to the
 * tenant's billing address through the notifier port, at most once per event (the
 * notifications' claim), so once per occurrence and reason. The occurrence records when.
 */
export async function notifyOccurrenceFailed(detail: EventDetail<OccurrenceFailedData>, now = new Date()): Promise<'sent' | 'duplicate'> {
  const failure = detail.data;
  const tenant = await getTenant(failure.tenantId);
  const content = occurrenceFailedEmail(failure, config.hubName, config.publicBaseUrl);
  const outcome = await sendOnce({ id: notificationIdFor(detail.id), tenantId: failure.tenantId, eventId: detail.id, eventType: 'standing_order.occurrence_failed', to: tenant.billingEmail, ...content }, now);
  const record = await repository.getOccurrence(failure.tenantId, failure.standingOrderId, failure.date);
  if (record?.state === 'failed' && record.failure?.eventId === detail.id && record.failure.notifiedAt === null) {
    // Changed meanwhile (booked after all): nothing to mark.
    await repository.markNotified(record, now);
  }
  return outcome;
}
