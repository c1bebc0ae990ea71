import type { Notification } from './schemas.js';

/** One e-mail to send: the content and what it is about (for the record and the provider's tags). */
export type OutgoingEmail = Omit<Notification, 'object' | 'channel' | 'createdAt'>;

/**
 * The port recipients' e-mails go through: Amazon SES in AWS (`NOTIFIER=ses`), the table's
 * outbox otherwise, where nothing leaves the machine and the admin can read what would have.
 */
export interface Notifier {
  send(email: OutgoingEmail, now: Date): Promise<{ messageId: string }>;
}
