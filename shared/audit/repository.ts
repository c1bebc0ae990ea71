import { defineEntity, tenantKey } from '../db/entity.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { writeIf } from '../db/transact.js';
import type { EventDetail } from '../events/definition.js';
import { HUB_SCOPE } from '../events/scope.js';
import type { AuditEvent } from './schemas.js';

/** The events a tenant's data went through, newest last, in one partition per tenant (or the hub's). */
const trail = (scope: string) => `${tenantKey(scope)}#EVENTS`;

interface RecordedEvent extends AuditEvent {
  /** Whose trail: a tenant id, or the hub's scope. */
  scope: string;
}

export const auditEvents = defineEntity<RecordedEvent, Pick<RecordedEvent, 'scope' | 'id'>>({
  name: 'event',
  key: ({ scope, id }) => ({ pk: trail(scope), sk: id }),
  stored: ({ scope: _scope, ...event }) => event,
  // What the trail answers: the event alone (its scope is the partition being read).
  parse: ({ id, type, occurredAt, version, data }) => ({ id, object: 'event', type, occurredAt, version, data }) as RecordedEvent,
});

export const auditRepository = {
  /** Idempotent on the event id: EventBridge delivers at least once. Returns false for a duplicate. */
  async record(type: string, detail: EventDetail): Promise<boolean> {
    const event: AuditEvent = { id: detail.id, object: 'event', type, occurredAt: detail.occurredAt, version: detail.version, data: detail.data };
    return writeIf(auditEvents.create({ ...event, scope: detail.tenantId ?? HUB_SCOPE }));
  },

  async list(tenantId: string, page: PageRequest): Promise<Page<AuditEvent>> {
    return auditEvents.query({ partition: { pk: trail(tenantId) }, page, descending: true });
  },
};
