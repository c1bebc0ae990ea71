import type { Notifier, OutgoingEmail } from './notifier.js';
import { notificationRepository } from './repository.js';

/**
 * The default notifier: e-mails are kept in the table, under the tenant's key, and sent to
 * nobody. Development and tests can never reach a real inbox by accident; the admin reads them
 * at `GET /v1/hub/notifications?tenantId=`.
 */
export class TableOutboxNotifier implements Notifier {
  async send(email: OutgoingEmail, now: Date): Promise<{ messageId: string }> {
    await notificationRepository.putInOutbox({ ...email, object: 'notification', channel: 'email', createdAt: now.toISOString() });
    return { messageId: email.id };
  }
}
