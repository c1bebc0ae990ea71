import { auditTrail } from '../../shared/app/rules.js';
import { auditRepository } from '../../shared/audit/repository.js';
import { eventHandler } from '../../shared/events/consumer.js';

/** Keeps every event in its tenant's audit trail. Idempotent: a redelivered event is recorded once. */
export const handler = eventHandler(auditTrail, async ({ type, detail }, log) => {
  const recorded = await auditRepository.record(type, detail);
  log.info('audit event', { duplicate: !recorded });
});
