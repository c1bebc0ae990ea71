import { eventHandler } from '../../shared/events/consumer.js';
import { notificationRules } from '../../shared/notifications/rules.js';
import { notifyRecipient } from '../../shared/notifications/service.js';

/** E-mails the recipient about a booked, delivered or failed delivery; once per event. */
export const handler = eventHandler(notificationRules.notifyRecipient, async ({ type, detail }, log) => {
  const outcome = await notifyRecipient(type, detail);
  log.info('recipient notification', { outcome });
});
