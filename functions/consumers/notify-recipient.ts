import { parseEnvelope } from '../../shared/events/catalog.js';
import { logger } from '../../shared/logging/logger.js';
import { notifyRecipient } from '../../shared/notifications/service.js';

/** E-mails the recipient about a booked, delivered or failed delivery; once per event. */
export const handler = async (input: unknown): Promise<void> => {
  const { type, detail } = parseEnvelope(input);
  const outcome = await notifyRecipient(type, detail);
  logger.info('recipient notification', { eventId: detail.id, type, tenantId: detail.tenantId, outcome });
};
