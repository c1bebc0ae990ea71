import { config } from '../config.js';
import type { EventDetail } from '../events/definition.js';
import { notificationIdFor, sendOnce } from '../notifications/service.js';
import { createDocumentLink } from './document-links.js';
import { creditNoteEmail, invoiceIssuedEmail, reminderEmail } from './emails.js';
import { parisDate } from './period.js';
import { billingRepository as repository } from './repository.js';
import type { CreditNote } from './schemas.js';

export type BillingNotice =
  | { type: 'invoice.issued'; detail: EventDetail<{ id: string; tenantId: string }> }
  | { type: 'credit_note.issued'; detail: EventDetail<CreditNote> }
  | { type: 'invoice.reminder_due'; detail: EventDetail<{ invoiceId: string; tenantId: string; step: 'first' | 'second' }> };


/**
 * Sends a tenant's billing e-mail for a billing event, to its billing address as the invoice
 * names it, through the notifier port (SES in AWS, the table outbox locally), once per event.
 * A reminder for an invoice paid meanwhile is not sent.
 */
export async function notifyBilling(notice: BillingNotice, now = new Date()): Promise<'sent' | 'duplicate' | 'skipped'> {
  const { detail } = notice;
  const invoiceId = notice.type === 'invoice.issued' ? notice.detail.data.id : notice.type === 'credit_note.issued' ? notice.detail.data.invoiceId : notice.detail.data.invoiceId;
  const tenantId = detail.data.tenantId;
  const invoice = await repository.getInvoice(tenantId, invoiceId);
  if (!invoice || !invoice.buyer || invoice.status === 'draft') return 'skipped';
  const hubName = invoice.seller?.name ?? config.hubName;
  let content;
  if (notice.type === 'invoice.issued') {
    content = invoiceIssuedEmail(invoice, await createDocumentLink({ kind: 'invoice', tenantId, invoiceId }, now), hubName);
  } else if (notice.type === 'credit_note.issued') {
    content = creditNoteEmail(notice.detail.data, await createDocumentLink({ kind: 'credit_note', tenantId, invoiceId, creditNoteId: notice.detail.data.id }, now), hubName);
  } else {
    if (invoice.status === 'paid' || invoice.status === 'void') return 'skipped';
    content = reminderEmail(invoice, notice.detail.data.step, await createDocumentLink({ kind: 'invoice', tenantId, invoiceId }, now), hubName, parisDate(now));
  }
  const outcome = await sendOnce({ id: notificationIdFor(detail.id), tenantId, invoiceId, eventId: detail.id, eventType: notice.type, to: invoice.buyer.email, ...content }, now);
  return outcome;
}
