import { parseEnvelope } from '../../shared/events/catalog.js';
import { dispatchEvent } from '../../shared/webhooks/service.js';

/** Status events → the tenant's webhook endpoints. Idempotent: one message per (endpoint, event). */
export const handler = async (input: unknown): Promise<void> => {
  const { type, detail } = parseEnvelope(input);
  await dispatchEvent(type, detail);
};
