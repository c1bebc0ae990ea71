import { eventHandler } from '../../shared/events/consumer.js';
import { webhookRules } from '../../shared/webhooks/rules.js';
import { dispatchEvent } from '../../shared/webhooks/service.js';

/**
 * Delivery and invoice events → the tenant's webhook endpoints. Idempotent: one message per
 * (endpoint, event). The rule consumes the contract's public types only: internal events never
 * reach it, and an event it does not consume is refused (`eventHandler`).
 */
export const handler = eventHandler(webhookRules.dispatch, async ({ type, detail }) => {
  await dispatchEvent(type, detail);
});
