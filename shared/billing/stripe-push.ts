import { logger } from '../logging/logger.js';
import type { InvoiceProvider } from './invoice-provider.js';
import { billingRepository as repository } from './repository.js';
import type { StripeSync } from './schemas.js';
import { createStripeProvider, isRetryableStripeError, stripeClient } from './stripe-adapter.js';

/**
 * Sending issued invoices to Stripe: the one part of billing that uses the `stripe` SDK (with
 * the webhook's signature check, `stripe-adapter.ts`). Its own module so that only what pushes
 * bundles the SDK: the push consumer alone. The billing run (`service.ts`) does not push: it
 * requests a stalled push with an `invoice.push_requested` event. Functions that only read
 * invoices import `invoices.ts` and never reach `stripe` (`tests/infra/bundling.test.ts`).
 */

let providerOverride: InvoiceProvider | undefined;

/** Tests swap the Stripe provider. */
export function setStripeProvider(provider: InvoiceProvider | undefined): void {
  providerOverride = provider;
}

async function stripeProvider(): Promise<InvoiceProvider> {
  if (providerOverride) return providerOverride;
  const now = () => new Date();
  return createStripeProvider(await stripeClient(), {
    getCustomer: (tenantId) => repository.getStripeCustomer(tenantId),
    saveCustomer: (tenantId, customerId) => repository.saveStripeCustomer(tenantId, customerId, now()),
    getTaxRate: (basisPoints) => repository.getStripeTaxRate(basisPoints),
    saveTaxRate: (basisPoints, taxRateId) => repository.saveStripeTaxRate(basisPoints, taxRateId, now()),
  });
}

const snapshotFields = new Set<keyof StripeSync>(['status', 'number', 'total', 'amountDue', 'amountPaid', 'hostedInvoiceUrl']);

/**
 * Sends an issued Stripe invoice to Stripe, or resumes sending it. Transient failures throw (the
 * consumer's retries, or a push the next run requests, resume from the checkpoints); a refusal by Stripe marks
 * the push `failed` with Stripe's message, for a person to look at.
 */
export async function pushInvoice(tenantId: string, invoiceId: string, now = new Date()): Promise<'synced' | 'skipped' | 'failed'> {
  const invoice = await repository.getInvoice(tenantId, invoiceId);
  if (!invoice || invoice.provider !== 'stripe' || invoice.status === 'draft' || !invoice.stripe || !invoice.buyer) return 'skipped';
  if (invoice.stripe.syncStatus === 'synced') return 'skipped';
  const lines = (await repository.listLines(tenantId, invoice.period)).filter((line) => line.invoiceId === invoiceId);
  await repository.updateStripe(tenantId, invoiceId, { lastAttemptAt: now.toISOString() }, now);
  // Once a webhook has reported on the invoice, its state is newer than what a push saw.
  const save = async (patch: Partial<StripeSync>) => {
    const current = await repository.getInvoice(tenantId, invoiceId);
    const keep = current?.stripe?.lastEventId ? Object.fromEntries(Object.entries(patch).filter(([name]) => !snapshotFields.has(name as keyof StripeSync))) : patch;
    await repository.updateStripe(tenantId, invoiceId, keep, new Date());
  };
  try {
    const result = await (await stripeProvider()).push({ invoice, lines, buyer: invoice.buyer, now }, save);
    await save(result);
    return 'synced';
  } catch (error) {
    const retryable = isRetryableStripeError(error);
    await repository.updateStripe(tenantId, invoiceId, { syncStatus: retryable ? 'pending' : 'failed', syncError: error instanceof Error ? error.message.slice(0, 500) : String(error) }, new Date());
    if (retryable) throw error;
    logger.error('billing: Stripe refused the invoice', { invoiceId, error: String(error) });
    return 'failed';
  }
}

/**
 * Mirrors a credit note in Stripe, for an invoice that is there: once (the idempotency key is
 * the credit note's id, and a synced credit note is skipped). The invoice must be in Stripe
 * first: until its push is done, this throws and the bus retries.
 */
export async function pushCreditNote(tenantId: string, invoiceId: string, creditNoteId: string): Promise<'synced' | 'skipped' | 'failed'> {
  const note = (await repository.listInvoiceCreditNotes(tenantId, invoiceId)).find((candidate) => candidate.id === creditNoteId);
  if (!note || !note.stripe || note.stripe.syncStatus === 'synced') return 'skipped';
  const invoice = await repository.getInvoice(tenantId, invoiceId);
  if (!invoice?.stripe?.invoiceId || invoice.stripe.syncStatus !== 'synced') throw new Error(`Invoice ${invoiceId} is not in Stripe yet: credit note ${note.number} waits for it.`);
  const provider = await stripeProvider();
  try {
    const { creditNoteId: stripeId } = await (provider.creditNote as NonNullable<typeof provider.creditNote>)({ note, providerInvoiceId: invoice.stripe.invoiceId, invoicePaid: invoice.stripe.status === 'paid' });
    await repository.updateCreditNoteStripe(note, { syncStatus: 'synced', creditNoteId: stripeId, syncError: null });
    return 'synced';
  } catch (error) {
    if (isRetryableStripeError(error)) throw error;
    await repository.updateCreditNoteStripe(note, { syncStatus: 'failed', creditNoteId: null, syncError: error instanceof Error ? error.message.slice(0, 500) : String(error) });
    logger.error('billing: Stripe refused the credit note', { creditNoteId, error: String(error) });
    return 'failed';
  }
}

/**
 * An invoice sent to Stripe and paid elsewhere (transfers, cheques, credit notes) is marked paid
 * out of band in Stripe, once, so Stripe stops asking the customer for it.
 */
export async function mirrorPaidElsewhere(tenantId: string, invoiceId: string): Promise<'synced' | 'skipped'> {
  const invoice = await repository.getInvoice(tenantId, invoiceId);
  if (!invoice || invoice.status !== 'paid' || !invoice.stripe?.invoiceId || invoice.stripe.status === 'paid') return 'skipped';
  const payments = await repository.listInvoicePayments(tenantId, invoiceId);
  if (payments.some((payment) => payment.source === 'stripe')) return 'skipped';
  if (invoice.stripe.syncStatus !== 'synced') throw new Error(`Invoice ${invoiceId} is not in Stripe yet.`);
  const provider = await stripeProvider();
  await (provider.paidOutOfBand as NonNullable<typeof provider.paidOutOfBand>)({ invoiceId, providerInvoiceId: invoice.stripe.invoiceId });
  await repository.updateStripe(tenantId, invoiceId, { status: 'paid' }, new Date());
  return 'synced';
}
