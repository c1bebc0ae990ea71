import { isInternalEvent, parseEnvelope } from '../../shared/events/catalog.js';
import { dispatchEvent } from '../../shared/webhooks/service.js';

/**
 * Status events → the tenant's webhook endpoints. Idempotent: one message per (endpoint, event).
 * Internal events never leave the hub, even if one reached this consumer (its rule does not
 * route them): an `invoice.*` endpoint does not get `invoice.push_requested`.
 */
export const handler = async (input: unknown): Promise<void> => {
  const { type, detail } = parseEnvelope(input);
  if (isInternalEvent(type)) return;
  await dispatchEvent(type, detail);
};
