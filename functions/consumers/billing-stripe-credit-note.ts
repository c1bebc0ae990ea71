import { billingRules } from '../../shared/billing/rules.js';
import { pushCreditNote } from '../../shared/billing/stripe-push.js';
import { eventHandler } from '../../shared/events/consumer.js';

/** Mirrors a credit note in Stripe once its invoice is there; a transient failure throws, so EventBridge retries. */
export const handler = eventHandler(billingRules.stripeCreditNotes, async ({ detail }, log) => {
  const outcome = await pushCreditNote(detail.data.tenantId, detail.data.invoiceId, detail.data.id);
  log.info('billing stripe credit note', { creditNoteId: detail.data.id, outcome });
});
