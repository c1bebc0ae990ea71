import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BillableLine } from '../../shared/billing/ledger.js';
import type { InvoiceRecord, StripeSync } from '../../shared/billing/schemas.js';
import { emptyStripeSync } from '../../shared/billing/invoice-provider.js';
import { createStripeProvider, idempotencyKeys, parseStripeApiBase, type StripeReferenceStore } from '../../shared/billing/stripe-adapter.js';
import { startStripeServer, type StripeServer } from '../helpers/stripe-server.js';

let server: StripeServer;
let stripe: Stripe;

beforeAll(async () => {
  server = await startStripeServer();
  stripe = new Stripe('sk_test_adapter', { ...parseStripeApiBase(server.url), maxNetworkRetries: 0 });
});
afterAll(() => server?.stop());

function memoryStore(): StripeReferenceStore & { customers: Map<string, string>; rates: Map<number, string> } {
  const customers = new Map<string, string>();
  const rates = new Map<number, string>();
  return {
    customers,
    rates,
    getCustomer: async (tenantId) => customers.get(tenantId),
    saveCustomer: async (tenantId, id) => {
      if (!customers.has(tenantId)) customers.set(tenantId, id);
      return customers.get(tenantId) as string;
    },
    getTaxRate: async (basisPoints) => rates.get(basisPoints),
    saveTaxRate: async (basisPoints, id) => {
      if (!rates.has(basisPoints)) rates.set(basisPoints, id);
      return rates.get(basisPoints) as string;
    },
  };
}

let counter = 0;
function fixture(lineCount: number, rate = 2000) {
  counter += 1;
  const tenantId = `ten_01JDQ6V7M5B8XK2ZQ3W4E5R${String(counter).padStart(3, '0')}`;
  const runId = `run_01JDQ6V7M5B8XK2ZQ3W4E5R${String(counter).padStart(3, '0')}`;
  const invoiceId = `inv_01JDQ6V7M5B8XK2ZQ3W4E5R${String(counter).padStart(3, '0')}`;
  const lines: BillableLine[] = Array.from({ length: lineCount }, (_, index) => {
    const net = 650 + index * 137;
    const vat = Math.floor((net * rate + 5000) / 10_000);
    const deliveryId = `dlv_01JDQ6V7M5B8XK2ZQ3W4E5${String(counter).padStart(2, '0')}${String(index).padStart(2, '0')}`;
    return { id: `${deliveryId}:delivery`, tenantId, period: '2026-03', deliveryId, kind: 'delivery', description: 'Livraison Saint-Étienne → Firminy', reference: `CMD-${index}`, occurredAt: '2026-03-10T09:00:00.000Z', vatRateBasisPoints: rate, net, vat, gross: net + vat, eventId: 'evt_x', recordedAt: '2026-03-10T09:00:01.000Z', invoiceId };
  });
  const gross = lines.reduce((sum, line) => sum + line.gross, 0);
  const invoice: InvoiceRecord = {
    id: invoiceId,
    object: 'invoice',
    number: `F2026-${String(counter).padStart(6, '0')}`,
    tenantId,
    period: '2026-03',
    runId,
    status: 'open',
    provider: 'stripe',
    total: { currency: 'EUR', net: lines.reduce((sum, line) => sum + line.net, 0), vat: lines.reduce((sum, line) => sum + line.vat, 0), gross },
    vatBreakdown: [],
    lineCount,
    issuedAt: '2026-04-01T00:00:05.000Z',
    dueDate: '2026-05-01',
    paidAt: null,
    voidedAt: null,
    seller: null,
    buyer: null,
    stripe: emptyStripeSync(),
    createdAt: '2026-04-01T00:00:00.000Z',
    updatedAt: '2026-04-01T00:00:05.000Z',
  };
  const buyer = { tenantId, name: 'Le Panier Stéphanois', email: 'compta@panier.example', address: { line1: '12 rue de la République', postcode: '42000', city: 'Saint-Étienne', country: 'FR' } };
  return { invoice, lines, buyer, gross };
}

/** Pushes with checkpoints kept in `state`, as the service keeps them on the invoice. */
async function push(provider: ReturnType<typeof createStripeProvider>, data: ReturnType<typeof fixture>, state: StripeSync, options: { crashAfter?: (patch: Partial<StripeSync>) => boolean } = {}) {
  const checkpoint = async (patch: Partial<StripeSync>) => {
    Object.assign(state, patch);
    if (options.crashAfter?.(patch)) throw new Error('simulated crash');
  };
  const result = await provider.push({ invoice: { ...data.invoice, stripe: { ...state } }, lines: data.lines, buyer: data.buyer, now: new Date() }, checkpoint);
  Object.assign(state, result);
  return state;
}

const posts = (path: RegExp) => server.calls.filter((call) => call.method === 'POST' && path.test(call.path));

beforeEach(() => server.reset());

describe('the Stripe adapter, against a recording Stripe-compatible server', () => {
  it('parses STRIPE_API_BASE into the SDK host, port and protocol', () => {
    expect(parseStripeApiBase('http://127.0.0.1:12111')).toEqual({ host: '127.0.0.1', port: 12111, protocol: 'http' });
    expect(parseStripeApiBase('https://stripe.example')).toEqual({ host: 'stripe.example', port: 443, protocol: 'https' });
    expect(parseStripeApiBase(undefined)).toEqual({});
    expect(() => parseStripeApiBase('ftp://x')).toThrow(/http or https/);
  });

  it('creates a customer, an item per line with its delivery id, a send_invoice invoice, then finalizes and sends it', async () => {
    const store = memoryStore();
    const provider = createStripeProvider(stripe, store);
    const data = fixture(3);
    const state = await push(provider, data, emptyStripeSync());

    const [customer] = posts(/^\/v1\/customers$/);
    expect(customer?.idempotencyKey).toBe(idempotencyKeys.customer(data.invoice.tenantId));
    expect(customer?.form).toMatchObject({ email: 'compta@panier.example', 'metadata[tenantId]': data.invoice.tenantId, 'preferred_locales[0]': 'fr', 'address[country]': 'FR' });

    const [invoice] = posts(/^\/v1\/invoices$/);
    expect(invoice?.idempotencyKey).toBe(`dh:${data.invoice.runId}:${data.invoice.tenantId}:invoice`);
    expect(invoice?.form).toMatchObject({
      collection_method: 'send_invoice',
      days_until_due: '30',
      auto_advance: 'false',
      pending_invoice_items_behavior: 'exclude',
      number: data.invoice.number,
      currency: 'eur',
      'metadata[invoiceId]': data.invoice.id,
      'metadata[tenantId]': data.invoice.tenantId,
    });

    const items = posts(/^\/v1\/invoiceitems$/);
    expect(items).toHaveLength(3);
    for (const line of data.lines) {
      const item = items.find((call) => call.form['metadata[deliveryId]'] === line.deliveryId);
      expect(item?.idempotencyKey).toBe(`dh:${data.invoice.runId}:${data.invoice.tenantId}:item:${line.id}`);
      expect(item?.form).toMatchObject({ amount: String(line.net), currency: 'eur', invoice: state.invoiceId, 'metadata[lineId]': line.id, 'tax_rates[0]': store.rates.get(2000) });
    }

    const finalize = posts(/\/finalize$/);
    const send = posts(/\/send$/);
    expect(finalize.map((call) => call.idempotencyKey)).toEqual([idempotencyKeys.finalize(data.invoice.runId, data.invoice.tenantId)]);
    expect(send.map((call) => call.idempotencyKey)).toEqual([idempotencyKeys.send(data.invoice.runId, data.invoice.tenantId)]);
    expect(server.calls.filter((call) => call.method === 'POST').every((call) => call.idempotencyKey?.startsWith('dh:'))).toBe(true);

    // Stripe's total, with VAT per line, is the ledger's to the cent.
    expect(state).toMatchObject({ syncStatus: 'synced', status: 'open', total: data.gross, amountDue: data.gross, number: data.invoice.number, sentAt: expect.any(String) });
    expect(server.sent).toEqual([state.invoiceId]);
  });

  it('reuses the tenant\'s customer and the VAT rate\'s tax rate on the next invoice', async () => {
    const store = memoryStore();
    const provider = createStripeProvider(stripe, store);
    const first = fixture(1);
    await push(provider, first, emptyStripeSync());
    const second = fixture(2);
    second.invoice.tenantId = first.invoice.tenantId;
    server.reset();
    await push(provider, { ...second, lines: second.lines.map((line) => ({ ...line, tenantId: first.invoice.tenantId })) }, emptyStripeSync());
    expect(posts(/^\/v1\/customers$/)).toHaveLength(0);
    expect(posts(/^\/v1\/tax_rates$/)).toHaveLength(0);
    expect(posts(/^\/v1\/invoiceitems$/)).toHaveLength(2);
  });

  it('never duplicates anything when a push crashes midway and is retried with the same keys', async () => {
    const store = memoryStore();
    const provider = createStripeProvider(stripe, store);
    const data = fixture(4);
    const state = emptyStripeSync();
    // Crash right after the Stripe invoice is created and checkpointed, before any item.
    await expect(push(provider, data, state, { crashAfter: (patch) => patch.invoiceId !== undefined && patch.status === 'draft' })).rejects.toThrow('simulated crash');
    // One item made it to Stripe, then the network died.
    server.fail((call) => call.path === '/v1/invoiceitems' && call.method === 'POST', 1, 400);
    await expect(push(provider, data, state)).rejects.toThrow();
    await push(provider, data, state);
    await push(provider, data, state); // a redelivered event: nothing left to do but a read

    const created = (path: RegExp) => server.calls.filter((call) => call.method === 'POST' && path.test(call.path) && !call.replayed);
    expect(server.objects.invoices.size).toBeGreaterThan(0);
    const invoices = [...server.objects.invoices.values()].filter((invoice) => (invoice.metadata as Record<string, string>).invoiceId === data.invoice.id);
    expect(invoices).toHaveLength(1);
    const items = [...server.objects.invoiceitems.values()].filter((item) => item.invoice === invoices[0]?.id);
    expect(items.map((item) => (item.metadata as Record<string, string>).deliveryId).sort()).toEqual(data.lines.map((line) => line.deliveryId).sort());
    expect(created(/\/finalize$/).length).toBe(1);
    expect(server.sent.filter((id) => id === invoices[0]?.id)).toHaveLength(1);
    expect(state).toMatchObject({ syncStatus: 'synced', total: data.gross });
  });

  it('finds its invoice in Stripe when the checkpoint was lost and Stripe has forgotten the keys (more than 24 h later)', async () => {
    const store = memoryStore();
    const provider = createStripeProvider(stripe, store);
    const data = fixture(2);
    const state = emptyStripeSync();
    await expect(push(provider, data, state, { crashAfter: (patch) => patch.invoiceId !== undefined && patch.status === 'draft' })).rejects.toThrow('simulated crash');
    // The checkpoint never reached the table; Stripe no longer remembers the keys.
    state.invoiceId = null;
    state.status = null;
    server.forgetIdempotencyKeys();
    await push(provider, data, state);
    const invoices = [...server.objects.invoices.values()].filter((invoice) => (invoice.metadata as Record<string, string>).invoiceId === data.invoice.id);
    expect(invoices).toHaveLength(1);
    expect([...server.objects.invoiceitems.values()].filter((item) => item.invoice === invoices[0]?.id)).toHaveLength(2);
    expect(state.total).toBe(data.gross);
  });

  it('gives each VAT rate its own tax rate, and the totals still match the ledger', async () => {
    const store = memoryStore();
    const provider = createStripeProvider(stripe, store);
    const data = fixture(2, 550);
    const state = await push(provider, data, emptyStripeSync());
    const [rate] = posts(/^\/v1\/tax_rates$/);
    expect(rate?.form).toMatchObject({ percentage: '5.5', inclusive: 'false', country: 'FR', tax_type: 'vat' });
    expect(rate?.idempotencyKey).toBe(idempotencyKeys.taxRate(550));
    expect(state.total).toBe(data.gross);
  });
});
