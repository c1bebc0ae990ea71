import { outboxEntry } from '../events/outbox.js';
import { logger } from '../logging/logger.js';
import { billingRepository as repository } from './repository.js';
import type { InvoiceRecord } from './schemas.js';
import { invoiceEventData } from './invoices.js';
import { verifyStripeWebhook } from './stripe-adapter.js';
import { stripeKeys } from './stripe-keys.js';
import { isHandledStripeEvent, stripeEventChange, type StripeInvoiceObject } from './stripe-events.js';
import { billingEvents } from './events.js';
import { newId } from '../ids.js';
import { parisDate } from './period.js';
import type { Payment } from './schemas.js';
import { settlementOf, stripePaymentChange } from './settlement.js';

export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored';

/** The invoice after `set` (attribute paths such as `stripe.amountPaid`) is applied. */
function applied(invoice: InvoiceRecord, set: Record<string, unknown>): InvoiceRecord {
  const next: Record<string, unknown> = { ...invoice, stripe: invoice.stripe ? { ...invoice.stripe } : null, updatedAt: new Date().toISOString() };
  for (const [path, value] of Object.entries(set)) {
    const [head, field] = path.split('.') as [string, string | undefined];
    if (field === undefined) next[head] = value;
    else (next[head] as Record<string, unknown>)[field] = value;
  }
  return next as InvoiceRecord;
}

/**
 * `POST /v1/stripe/webhook`: verified on the raw body, then applied to the invoice named in the
 * Stripe invoice's metadata, once per Stripe event id (the dedupe marker is written in the same
 * transaction as the change). Events for invoices that are not ours, and types we do not
 * handle, are acknowledged so Stripe stops sending them.
 */
export async function receiveStripeWebhook(rawBody: string, signature: string | undefined, now = new Date()): Promise<WebhookOutcome> {
  const event = verifyStripeWebhook(rawBody, signature, (await stripeKeys()).webhookSecret);
  if (!isHandledStripeEvent(event.type)) return 'ignored';
  const object = event.data.object as StripeInvoiceObject & { metadata?: Record<string, string> | null };
  const invoiceId = object.metadata?.invoiceId;
  const tenantId = object.metadata?.tenantId;
  if (!invoiceId || !tenantId) return 'ignored';

  for (let attempt = 0; attempt < 5; attempt += 1) {
    const invoice = await repository.getInvoice(tenantId, invoiceId);
    if (!invoice) {
      logger.warn('stripe webhook for an unknown invoice', { stripeEventId: event.id, invoiceId });
      return 'ignored';
    }
    const change = stripeEventChange(invoice, { id: event.id, type: event.type, created: event.created, invoice: object });
    if (!change) return (await repository.markStripeEvent(event.id, now)) ? 'ignored' : 'duplicate';
    // Paid through Stripe: a payment like any other (source `stripe`), in the same transaction.
    let payment: Payment | undefined;
    if (change.becomes === 'paid') {
      const amount = Math.min(typeof object.amount_paid === 'number' && object.amount_paid > 0 ? object.amount_paid : invoice.total.gross, settlementOf(invoice).amountDue || invoice.total.gross);
      const settled = stripePaymentChange(invoice, amount, now);
      Object.assign(change.set, { paidAmount: settled.set.paidAmount, settlementVersion: settled.set.settlementVersion });
      payment = {
        id: newId('payment', now.getTime()),
        object: 'payment',
        invoiceId: invoice.id,
        invoiceNumber: invoice.number ?? invoice.id,
        tenantId: invoice.tenantId,
        amount,
        method: 'card',
        date: parisDate(typeof change.set.paidAt === 'string' ? change.set.paidAt : now),
        reference: object.id ?? null,
        source: 'stripe',
        statementLineId: null,
        createdAt: now.toISOString(),
      };
    }
    const paid = change.becomes === 'paid' ? outboxEntry(billingEvents.invoicePaid, invoice.tenantId, invoiceEventData(applied(invoice, change.set)), now) : undefined;
    const outcome = await repository.applyStripeEvent(invoice, event.id, change.set, paid, now, payment);
    if (outcome !== 'conflict') {
      logger.info('stripe webhook', { stripeEventId: event.id, type: event.type, invoiceId, outcome, status: change.becomes });
      return outcome;
    }
  }
  throw new Error(`Stripe event ${event.id}: invoice ${invoiceId} kept changing`);
}
