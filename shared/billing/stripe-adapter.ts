import Stripe from 'stripe';
import { config } from '../config.js';
import { mapLimit } from './concurrency.js';
import type { InvoiceProvider, PushInput } from './invoice-provider.js';
import type { BillableLine } from './ledger.js';
import { paymentTerms } from './mentions.js';
import { stripeKeys } from './stripe-keys.js';
import { formatRate } from './money.js';
import { periodLabel } from './period.js';
import type { StripeSync } from './schemas.js';
import { stripeSignatureErrors } from './errors.js';


/** Where the adapter keeps Stripe ids that outlive one invoice: a customer per tenant, a tax rate per VAT rate. */
export interface StripeReferenceStore {
  getCustomer(tenantId: string): Promise<string | undefined>;
  /** Stores the id unless one is there already; answers the one that is kept. */
  saveCustomer(tenantId: string, customerId: string): Promise<string>;
  getTaxRate(basisPoints: number): Promise<string | undefined>;
  saveTaxRate(basisPoints: number, taxRateId: string): Promise<string>;
}

/** `http://127.0.0.1:12111` → the SDK's `{ host, port, protocol }` (how it is pointed at a test server). */
export function parseStripeApiBase(base: string | undefined): { host: string; port: number; protocol: 'http' | 'https' } | Record<string, never> {
  if (base === undefined) return {};
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`STRIPE_API_BASE must be a URL such as http://127.0.0.1:12111, got '${base}'.`);
  }
  const protocol = url.protocol.replace(':', '');
  if (protocol !== 'http' && protocol !== 'https') throw new Error(`STRIPE_API_BASE must be http or https, got '${base}'.`);
  return { host: url.hostname, port: url.port === '' ? (protocol === 'https' ? 443 : 80) : Number(url.port), protocol };
}

let client: { stripe: Stripe; signature: string } | undefined;

/** One SDK client per container, made on first use from the secret key (and `STRIPE_API_BASE`). */
export async function stripeClient(): Promise<Stripe> {
  const key = (await stripeKeys()).secretKey;
  if (!key) throw new Error('No Stripe secret key is configured: invoices stay in the ledger.');
  const signature = `${key}\n${config.stripeApiBase ?? ''}`;
  if (client?.signature !== signature) {
    client = {
      signature,
      stripe: new Stripe(key, {
        ...parseStripeApiBase(config.stripeApiBase),
        // Retries reuse the idempotency key we give, so they can never create twice.
        maxNetworkRetries: 2,
        timeout: 20_000,
        appInfo: { name: 'delivery-hub' },
      }),
    };
  }
  return client.stripe;
}

/** Stripe idempotency keys: derived from the run, the tenant and the step (and the line), never random. */
export const idempotencyKeys = {
  customer: (tenantId: string) => `dh:${tenantId}:customer`,
  taxRate: (basisPoints: number) => `dh:tax-rate:FR:${basisPoints}`,
  invoice: (runId: string, tenantId: string) => `dh:${runId}:${tenantId}:invoice`,
  item: (runId: string, tenantId: string, lineId: string) => `dh:${runId}:${tenantId}:item:${lineId}`,
  finalize: (runId: string, tenantId: string) => `dh:${runId}:${tenantId}:finalize`,
  send: (runId: string, tenantId: string) => `dh:${runId}:${tenantId}:send`,
  creditNote: (creditNoteId: string) => `dh:${creditNoteId}:credit-note`,
  paidOutOfBand: (invoiceId: string) => `dh:${invoiceId}:paid-out-of-band`,
};

function seconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** The Stripe side of an invoice, as our invoice keeps it. */
export function stripeSnapshot(invoice: Stripe.Invoice): Partial<StripeSync> {
  return {
    invoiceId: invoice.id ?? null,
    status: invoice.status ?? null,
    number: invoice.number ?? null,
    total: invoice.total ?? null,
    amountDue: invoice.amount_due ?? null,
    amountPaid: invoice.amount_paid ?? null,
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
  };
}

function itemDescription(line: BillableLine): string {
  const date = line.occurredAt.slice(0, 10);
  return `${line.description} (${date})${line.reference ? ` — réf. ${line.reference}` : ''}`.slice(0, 500);
}

/**
 * Invoices in Stripe: a customer per tenant, one invoice item per ledger line (its delivery id
 * in metadata) attached to a `send_invoice` invoice due in 30 days that carries our number, then
 * finalized and sent. Every call carries an idempotency key derived from the run, tenant, step
 * and line; each step's result is checkpointed on our invoice, and a resumed push lists what
 * Stripe already has (beyond Stripe's 24 h key retention) before creating anything.
 */
export function createStripeProvider(stripe: Stripe, store: StripeReferenceStore, options: { itemConcurrency?: number } = {}): InvoiceProvider {
  const taxRateFor = async (basisPoints: number): Promise<string> => {
    const stored = await store.getTaxRate(basisPoints);
    if (stored) return stored;
    const created = await stripe.taxRates.create(
      {
        display_name: 'TVA',
        description: `TVA ${formatRate(basisPoints)} %`,
        percentage: basisPoints / 100,
        inclusive: false,
        country: 'FR',
        jurisdiction: 'FR',
        tax_type: 'vat',
        metadata: { deliveryHubVatRateBasisPoints: String(basisPoints) },
      },
      { idempotencyKey: idempotencyKeys.taxRate(basisPoints) },
    );
    return store.saveTaxRate(basisPoints, created.id);
  };

  return {
    name: 'stripe',
    async push({ invoice, lines, buyer, now }: PushInput, checkpoint) {
      const state = invoice.stripe;
      const { runId, tenantId } = invoice;
      const seller = invoice.seller ?? config.billing.seller;

      let customerId = state?.customerId ?? (await store.getCustomer(tenantId)) ?? null;
      if (customerId === null) {
        const customer = await stripe.customers.create(
          {
            name: buyer.name,
            email: buyer.email,
            address: { line1: buyer.address.line1, ...(buyer.address.line2 ? { line2: buyer.address.line2 } : {}), postal_code: buyer.address.postcode, city: buyer.address.city, country: buyer.address.country },
            preferred_locales: ['fr'],
            metadata: { tenantId },
          },
          { idempotencyKey: idempotencyKeys.customer(tenantId) },
        );
        customerId = await store.saveCustomer(tenantId, customer.id);
      }
      if (state?.customerId !== customerId) await checkpoint({ customerId });

      const taxRates = new Map<number, string>();
      for (const basisPoints of new Set(lines.map((line) => line.vatRateBasisPoints))) taxRates.set(basisPoints, await taxRateFor(basisPoints));

      let stripeInvoice: Stripe.Invoice | undefined;
      let resumed = false;
      if (state?.invoiceId) {
        stripeInvoice = await stripe.invoices.retrieve(state.invoiceId);
        resumed = true;
      } else {
        // A push that created the invoice but died before its checkpoint (and longer ago than
        // Stripe keeps idempotency keys) left it in Stripe: find it by our id before creating.
        for await (const candidate of stripe.invoices.list({ customer: customerId, limit: 100 })) {
          if (candidate.metadata?.invoiceId === invoice.id) {
            stripeInvoice = candidate;
            resumed = true;
            break;
          }
        }
        stripeInvoice ??= await stripe.invoices.create(
          {
            customer: customerId,
            currency: 'eur',
            collection_method: 'send_invoice',
            days_until_due: config.billing.paymentTermsDays,
            auto_advance: false,
            pending_invoice_items_behavior: 'exclude',
            ...(invoice.number ? { number: invoice.number } : {}),
            description: `Livraisons à vélo — ${periodLabel(invoice.period)}`,
            footer: `${seller.name} — SIRET ${seller.siret} — TVA ${seller.vatNumber}. ${paymentTerms(config.billing.paymentTermsDays)}`.slice(0, 5000),
            metadata: { invoiceId: invoice.id, tenantId, runId, period: invoice.period, number: invoice.number ?? '' },
          },
          { idempotencyKey: idempotencyKeys.invoice(runId, tenantId) },
        );
        await checkpoint({ invoiceId: stripeInvoice.id ?? null, status: stripeInvoice.status ?? null });
      }
      const stripeInvoiceId = stripeInvoice.id as string;

      if (stripeInvoice.status === 'draft') {
        const present = new Set<string>();
        if (resumed) {
          for await (const item of stripe.invoiceItems.list({ invoice: stripeInvoiceId, limit: 100 })) {
            const lineId = item.metadata?.lineId;
            if (lineId) present.add(lineId);
          }
        }
        const missing = lines.filter((line) => !present.has(line.id));
        await mapLimit(missing, options.itemConcurrency ?? 4, (line) =>
          stripe.invoiceItems.create(
            {
              customer: customerId,
              invoice: stripeInvoiceId,
              currency: 'eur',
              amount: line.net,
              description: itemDescription(line),
              tax_rates: [taxRates.get(line.vatRateBasisPoints) as string],
              period: { start: seconds(line.occurredAt), end: seconds(line.occurredAt) },
              metadata: { lineId: line.id, deliveryId: line.deliveryId, kind: line.kind, invoiceId: invoice.id, tenantId },
            },
            { idempotencyKey: idempotencyKeys.item(runId, tenantId, line.id) },
          ),
        );
        stripeInvoice = await stripe.invoices.finalizeInvoice(stripeInvoiceId, { auto_advance: false }, { idempotencyKey: idempotencyKeys.finalize(runId, tenantId) });
        await checkpoint(stripeSnapshot(stripeInvoice));
      }

      let sentAt = state?.sentAt ?? null;
      if (sentAt === null && stripeInvoice.status === 'open') {
        stripeInvoice = await stripe.invoices.sendInvoice(stripeInvoiceId, {}, { idempotencyKey: idempotencyKeys.send(runId, tenantId) });
        sentAt = now.toISOString();
      }
      return { ...stripeSnapshot(stripeInvoice), customerId, sentAt, syncStatus: 'synced', syncError: null };
    },

    async creditNote({ note, providerInvoiceId, invoicePaid }) {
      const lines: Stripe.CreditNoteCreateParams.Line[] = [];
      for (const line of note.lines) {
        lines.push({
          type: 'custom_line_item',
          description: `${line.description} (${line.lineId})`.slice(0, 500),
          quantity: 1,
          unit_amount: line.net,
          tax_rates: line.vatRateBasisPoints > 0 ? [await taxRateFor(line.vatRateBasisPoints)] : [],
        });
      }
      const created = await stripe.creditNotes.create(
        {
          invoice: providerInvoiceId,
          lines,
          memo: `${note.number} — ${note.reason}`.slice(0, 500),
          metadata: { creditNoteId: note.id, number: note.number, invoiceId: note.invoiceId, tenantId: note.tenantId },
          // On a paid invoice the credit is money owed back, settled outside Stripe (by transfer).
          ...(invoicePaid ? { out_of_band_amount: note.total.gross } : {}),
        },
        { idempotencyKey: idempotencyKeys.creditNote(note.id) },
      );
      return { creditNoteId: created.id };
    },

    async paidOutOfBand({ invoiceId, providerInvoiceId }) {
      await stripe.invoices.pay(providerInvoiceId, { paid_out_of_band: true }, { idempotencyKey: idempotencyKeys.paidOutOfBand(invoiceId) });
    },
  };
}

/** Transient failures (network, 5xx, rate limits, a concurrent request with the same key): worth retrying. */
export function isRetryableStripeError(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeError)) return true;
  if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError || error instanceof Stripe.errors.StripeRateLimitError) return true;
  if (error instanceof Stripe.errors.StripeIdempotencyError) return error.statusCode === 409;
  return (error.statusCode ?? 500) >= 500 || error.statusCode === 409;
}

/**
 * Checks `Stripe-Signature` over the exact body received (`stripe.webhooks.constructEvent`: HMAC
 * of the timestamped payload, 5-minute tolerance against replays). Without a configured secret
 * nothing can be verified, so everything is refused.
 */
export function verifyStripeWebhook(rawBody: string, signature: string | undefined, secret: string | undefined): Stripe.Event {
  if (!secret) throw stripeSignatureErrors.error('invalid_signature', 'Stripe webhooks are not accepted here: no webhook secret is configured.');
  if (!signature) throw stripeSignatureErrors.error('invalid_signature', 'The Stripe-Signature header is missing.', { param: 'Stripe-Signature' });
  try {
    return Stripe.webhooks.constructEvent(rawBody, signature, secret);
  } catch {
    throw stripeSignatureErrors.error('invalid_signature', 'The Stripe-Signature does not match this body (or is too old).', { param: 'Stripe-Signature' });
  }
}
