import { logger } from '../../shared/logging/logger.js';
import { sweepDueMessages } from '../../shared/webhooks/service.js';

/** Runs every minute: sends the webhook messages whose next attempt is due. */
export const handler = async (): Promise<{ attempted: number }> => {
  const attempted = await sweepDueMessages();
  if (attempted > 0) logger.info('webhook retries swept', { attempted });
  return { attempted };
};
