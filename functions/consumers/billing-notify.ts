import { billingRules } from '../../shared/billing/rules.js';
import { notifyBilling, type BillingNotice } from '../../shared/billing/notify.js';
import { eventHandler } from '../../shared/events/consumer.js';

/** E-mails a tenant its invoice, credit note or payment reminder; once per event. */
export const handler = eventHandler(billingRules.notify, async (event, log) => {
  const outcome = await notifyBilling(event as BillingNotice);
  log.info('billing e-mail', { type: event.type, outcome });
});
