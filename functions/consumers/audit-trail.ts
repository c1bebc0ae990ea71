import { auditRepository } from '../../shared/audit/repository.js';
import { parseEnvelope } from '../../shared/events/catalog.js';
import { logger } from '../../shared/logging/logger.js';

/** Keeps every event in its tenant's audit trail. Idempotent: a redelivered event is recorded once. */
export const handler = async (input: unknown): Promise<void> => {
  const { type, detail } = parseEnvelope(input);
  const recorded = await auditRepository.record(type, detail);
  logger.info('audit event', { eventId: detail.id, type, tenantId: detail.tenantId, duplicate: !recorded });
};
