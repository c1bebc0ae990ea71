import { eventHandler } from '../../shared/events/consumer.js';
import { notifyOccurrenceFailed } from '../../shared/standing-orders/notify.js';
import { standingOrderRules } from '../../shared/standing-orders/rules.js';

/** E-mails a tenant about a day of a standing order that could not be booked; once per event. */
export const handler = eventHandler(standingOrderRules.notify, async (event, log) => {
  const outcome = await notifyOccurrenceFailed(event.detail);
  log.info('standing order failure e-mail', { outcome, date: event.detail.data.date, code: event.detail.data.code });
});
