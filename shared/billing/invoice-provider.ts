import type { BillableLine } from './ledger.js';
import { stripeKeys } from './stripe-keys.js';
import type { Buyer, CreditNote, InvoiceProviderName, InvoiceRecord, StripeSync } from './schemas.js';

/** What a provider needs to send an issued (numbered) invoice out. */
export interface PushInput {
  invoice: InvoiceRecord;
  lines: readonly BillableLine[];
  buyer: Buyer;
  now: Date;
}

/**
 * The port between billing and whoever sends invoices to customers. The ledger is the book of
 * record either way (numbers, lines, totals); a provider only delivers and collects. A push must
 * be resumable: `checkpoint` persists progress as it is made, and a later push with the saved
 * state (`invoice.stripe`) continues where the previous one stopped, never creating twice.
 */
export interface InvoiceProvider {
  readonly name: InvoiceProviderName;
  push(input: PushInput, checkpoint: (patch: Partial<StripeSync>) => Promise<void>): Promise<Partial<StripeSync>>;
  /** Mirrors a credit note on the provider's invoice (once: keyed by the credit note). */
  creditNote?(input: { note: CreditNote; providerInvoiceId: string; invoicePaid: boolean }): Promise<{ creditNoteId: string }>;
  /** Marks the provider's invoice paid by money received elsewhere (transfers, cheques…), once. */
  paidOutOfBand?(input: { invoiceId: string; providerInvoiceId: string }): Promise<void>;
}

/** No key, no Stripe: invoices live in the ledger (`provider: "ledger"`), numbered the same way. */
export const ledgerProvider: InvoiceProvider = {
  name: 'ledger',
  async push() {
    return {};
  },
};

/** Decided when an invoice is created, from the configuration of that moment. */
export async function configuredProviderName(): Promise<InvoiceProviderName> {
  return (await stripeKeys()).secretKey ? 'stripe' : 'ledger';
}

export function emptyStripeSync(): StripeSync {
  return {
    syncStatus: 'pending',
    syncError: null,
    customerId: null,
    invoiceId: null,
    status: null,
    number: null,
    total: null,
    amountDue: null,
    amountPaid: null,
    hostedInvoiceUrl: null,
    sentAt: null,
    paymentFailedAt: null,
    lastEventId: null,
    lastEventCreated: null,
    lastAttemptAt: null,
  };
}
