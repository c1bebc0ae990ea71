import { outboxEntry } from '../events/outbox.js';
import { logger } from '../logging/logger.js';
import { transact } from '../db/transact.js';
import { billingEvents } from './events.js';
import { addDays, parisDate } from './period.js';
import { billingRepository as repository } from './repository.js';
import type { InvoiceRecord } from './schemas.js';
import { isOverdue } from './settlement.js';

/** The follow-up of unpaid invoices: a first reminder at due + 7 days, a second at due + 21. */
export const REMINDER_STEPS = [
  { step: 'first', afterDays: 7 },
  { step: 'second', afterDays: 21 },
] as const;
export type ReminderStep = (typeof REMINDER_STEPS)[number]['step'];

/**
 * The reminder an invoice is due for today, if any: the earliest step whose day has come and
 * that was not sent (a schedule that missed days sends the first, then the second the next day).
 * Pure.
 */
export function reminderDue(invoice: Pick<InvoiceRecord, 'status' | 'dueDate' | 'total' | 'paidAmount' | 'creditedAmount' | 'remindersSent'>, today: string): ReminderStep | undefined {
  if (!isOverdue(invoice, today) || invoice.dueDate === null) return undefined;
  const sent = new Set(invoice.remindersSent ?? []);
  for (const { step, afterDays } of REMINDER_STEPS) {
    if (sent.has(step)) continue;
    return addDays(invoice.dueDate, afterDays) <= today ? step : undefined;
  }
  return undefined;
}

class AlreadySent extends Error {}

/**
 * The daily follow-up: every invoice still owed past its due date gets the reminder it is due
 * for, once per step whatever the retries or overlapping runs: the step is recorded on the
 * invoice (on the condition that it is not there yet) in the transaction that writes the
 * `invoice.reminder_due` event the e-mail is sent from.
 */
export async function sendDueReminders(now = new Date()): Promise<{ overdue: number; reminded: Array<{ invoiceId: string; step: ReminderStep }> }> {
  const today = parisDate(now);
  const open = await repository.listOpenInvoices(addDays(today, -REMINDER_STEPS[0].afterDays + 1));
  const overdue = open.filter((invoice) => isOverdue(invoice, today));
  const reminded: Array<{ invoiceId: string; step: ReminderStep }> = [];
  for (const listed of overdue) {
    const invoice = await repository.getInvoice(listed.tenantId, listed.id);
    if (!invoice) continue;
    const step = reminderDue(invoice, today);
    if (!step) continue;
    const event = outboxEntry(billingEvents.invoiceReminderDue, invoice.tenantId, { invoiceId: invoice.id, tenantId: invoice.tenantId, step }, now);
    try {
      await transact([repository.reminderItem(invoice, step, now), event.create], () => new AlreadySent());
      reminded.push({ invoiceId: invoice.id, step });
    } catch (error) {
      if (!(error instanceof AlreadySent)) throw error;
    }
  }
  logger.info('billing reminders', { today, overdue: overdue.length, reminded: reminded.length });
  return { overdue: overdue.length, reminded };
}
