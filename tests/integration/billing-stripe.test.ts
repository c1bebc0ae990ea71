import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../shared/billing/period.js';
import { billingRepository } from '../../shared/billing/repository.js';
import { STALE_PUSH_MS } from '../../shared/billing/service.js';
import { config } from '../../shared/config.js';
import { db } from '../../shared/db/client.js';
import { startReceiver } from '../helpers/receiver.js';
import { expectError, sampleTenant, startTestApi, type TestApi } from '../helpers/runtime.js';
import { quoteBody } from '../helpers/scenario.js';
import { startStripeServer, type RecordedCall, type StripeServer } from '../helpers/stripe-server.js';

/**
 * The API, the fake Stripe and a courier are shared by the tests of this file; everything billed
 * is not. A billing run bills every tenant's unbilled lines of the period, and the period is the
 * current month (the only one a fresh install may bill), so each test makes tenants of its own,
 * bills their deliveries itself, and looks only at its own tenants' invoices, reconciliation rows
 * and Stripe objects and calls. Any test passes alone, and in any order.
 */
const WEBHOOK_SECRET = 'whsec_billing_integration_test';
let api: TestApi;
let stripe: StripeServer;
let courier: { id: string; key: string };

interface Tenant {
  id: string;
  key: string;
}

/** A tenant of the test's own, with an API key. */
async function newTenant(name: string): Promise<Tenant> {
  const tenant = await api.call('POST', '/v1/tenants', { body: sampleTenant({ name }) });
  if (tenant.status !== 201) throw new Error(tenant.text);
  const key = await api.call('POST', `/v1/tenants/${tenant.json.id}/api-keys`, { body: {} });
  if (key.status !== 201) throw new Error(key.text);
  return { id: tenant.json.id as string, key: key.json.key as string };
}

/** A delivery booked by the tenant, then assigned, picked up and delivered: one billable line once the ledger has it. */
async function complete(tenant: Tenant, reference: string) {
  const booked = await api.call('POST', '/v1/deliveries', { key: tenant.key, body: { ...quoteBody(), reference } });
  if (booked.status !== 201) throw new Error(booked.text);
  const id = booked.json.id as string;
  await api.call('POST', `/v1/hub/deliveries/${id}/assign`, { body: { courierId: courier.id } });
  await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: courier.key, body: { type: 'picked_up' } });
  const done = await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: courier.key, body: { type: 'delivered' } });
  if (done.status !== 200) throw new Error(done.text);
  return done.json as { id: string; price: { gross: number } };
}

type Invoice = {
  id: string;
  number: string;
  tenantId: string;
  status: string;
  paidAt: string | null;
  total: { gross: number };
  lines: Array<{ deliveryId: string }>;
  stripe: { syncStatus: string; invoiceId: string; customerId: string; total: number; status: string; amountPaid: number; sentAt: string | null; syncError: string | null };
};

const getInvoice = async (id: string) => (await api.call('GET', `/v1/billing/invoices/${id}`)).json as Invoice;

/** The billing period the deliveries just made fall in (the current Paris month). */
const currentPeriod = () => periodOf(new Date());

/** A billing run of the period, and the invoices it issued to the given tenants. */
async function runBillingFor(tenants: Tenant[], period = currentPeriod()) {
  const run = await api.call('POST', '/v1/billing/runs', { body: { period } });
  if (run.status !== 201) throw new Error(run.text);
  const ids = new Set(tenants.map((tenant) => tenant.id));
  return { run: run.json as { id: string; status: string; invoices: Invoice[] }, issued: (run.json.invoices as Invoice[]).filter((invoice) => ids.has(invoice.tenantId)) };
}

/** A tenant with one delivery invoiced and pushed to Stripe (synced): where the webhook tests start. */
async function tenantWithSyncedInvoice(name: string): Promise<{ tenant: Tenant; invoice: Invoice; period: string }> {
  const tenant = await newTenant(name);
  await complete(tenant, `${name}-1`);
  await api.runtime.settle();
  const period = currentPeriod();
  const { issued } = await runBillingFor([tenant], period);
  expect(issued).toHaveLength(1);
  await api.runtime.settle();
  const invoice = await getInvoice(issued[0]!.id);
  expect(invoice.stripe.syncStatus).toBe('synced');
  return { tenant, invoice, period };
}

/** The reconciliation row of one tenant. */
async function reconciliationOf(tenant: Tenant, period: string) {
  const report = await api.call('GET', `/v1/billing/reconciliation?period=${period}`);
  return (report.json.tenants as Array<{ tenantId: string; paidAmount: number; discrepancies: Array<{ kind: string; invoiceId?: string }> }>).find((entry) => entry.tenantId === tenant.id);
}

/** Stripe calls made for one of these tenants: our idempotency keys and metadata name the tenant. */
const forTenants = (tenants: Tenant[]) => (call: RecordedCall) =>
  tenants.some((tenant) => call.idempotencyKey?.includes(`:${tenant.id}:`) || call.form['metadata[tenantId]'] === tenant.id);

function signed(event: Record<string, unknown>, secret = WEBHOOK_SECRET) {
  const payload = JSON.stringify(event, null, 2); // Stripe's own formatting: the signature covers these exact bytes
  return { payload, header: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
}

function invoiceEvent(type: string, invoice: Invoice, created: number, object: Record<string, unknown>) {
  return {
    id: `evt_${type.replace(/\W/g, '')}${created}${invoice.id.slice(-6)}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    type,
    created,
    livemode: false,
    data: { object: { id: invoice.stripe.invoiceId, object: 'invoice', number: invoice.number, total: invoice.total.gross, amount_due: invoice.total.gross, metadata: { invoiceId: invoice.id, tenantId: invoice.tenantId }, ...object } },
  };
}

const postWebhook = (payload: string, header: string | undefined) =>
  api.call('POST', '/v1/stripe/webhook', { key: null, rawBody: payload, headers: { 'content-type': 'application/json', ...(header ? { 'stripe-signature': header } : {}) } });

beforeAll(async () => {
  stripe = await startStripeServer();
  // Each test file runs in its own process: this configuration stays here.
  process.env.STRIPE_SECRET_KEY = 'sk_test_billing_integration';
  process.env.STRIPE_API_BASE = stripe.url;
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  api = await startTestApi();
  const made = await api.call('POST', '/v1/couriers', { body: { name: 'Alex' } });
  if (made.status !== 201) throw new Error(made.text);
  courier = { id: made.json.id as string, key: made.json.apiKey as string };
  await warmUp();
}, 120_000);

/**
 * The local runtime loads a route's handler on its first request, which takes seconds: done here
 * for the routes every test uses, so a test's time is its own whichever runs first. Nothing billable
 * is left: the booking is cancelled before assignment (free), and the courier reports on a
 * delivery it does not have (404).
 */
async function warmUp() {
  const tenant = await newTenant('Warm-up');
  const booked = await api.call('POST', '/v1/deliveries', { key: tenant.key, body: quoteBody() });
  const id = booked.json.id as string;
  await api.call('POST', `/v1/deliveries/${id}/cancel`, { key: tenant.key, body: {} });
  await api.call('POST', `/v1/hub/deliveries/${id}/assign`, { body: { courierId: courier.id } });
  await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: courier.key, body: { type: 'picked_up' } });
  await api.runtime.settle();
}
afterAll(async () => {
  await api?.stop();
  await stripe?.stop();
});

describe('billing with Stripe', () => {
  it('issues ledger invoices, then pushes each to Stripe once: customer, items with delivery ids, finalized, sent', async () => {
    const shop = await newTenant('Le Panier');
    const ressourcerie = await newTenant('La Ressourcerie');
    const ours = forTenants([shop, ressourcerie]);
    const delivered = [(await complete(shop, 'A-1')).id, (await complete(shop, 'A-2')).id, (await complete(ressourcerie, 'B-1')).id];
    await api.runtime.settle();
    const firstCall = stripe.calls.length;
    // The first finalize of each invoice fails (a Stripe outage): the consumer's retry resumes the push.
    stripe.fail((call) => call.path.endsWith('/finalize') && ours(call), 2, 500);
    const period = currentPeriod();
    const { run, issued } = await runBillingFor([shop, ressourcerie], period);
    expect(issued.map((invoice) => invoice.tenantId).sort()).toEqual([shop.id, ressourcerie.id].sort());
    for (const invoice of issued) expect(invoice).toMatchObject({ provider: 'stripe', status: 'open', stripe: { syncStatus: 'pending' } });
    await api.runtime.settle();

    const invoices = await Promise.all(issued.map((invoice) => getInvoice(invoice.id)));
    expect(invoices.flatMap((invoice) => invoice.lines.map((line) => line.deliveryId)).sort()).toEqual([...delivered].sort());
    for (const invoice of invoices) {
      expect(invoice.stripe).toMatchObject({ syncStatus: 'synced', status: 'open', total: invoice.total.gross, customerId: expect.stringMatching(/^cus_/), sentAt: expect.any(String), syncError: null });
      const stripeInvoice = stripe.objects.invoices.get(invoice.stripe.invoiceId);
      expect(stripeInvoice).toMatchObject({ number: invoice.number, collection_method: 'send_invoice', days_until_due: 30, status: 'open', total: invoice.total.gross });
      const items = [...stripe.objects.invoiceitems.values()].filter((item) => item.invoice === invoice.stripe.invoiceId);
      expect(items.map((item) => (item.metadata as Record<string, string>).deliveryId).sort()).toEqual(invoice.lines.map((line) => line.deliveryId).sort());
    }
    // Nothing duplicated, whatever the retries: one customer per tenant, one invoice per ledger invoice, one item per line.
    const tenantIds = new Set([shop.id, ressourcerie.id]);
    const metadataOf = (object: Record<string, unknown>) => object.metadata as Record<string, string>;
    expect([...stripe.objects.customers.values()].filter((customer) => tenantIds.has(metadataOf(customer).tenantId!)).map((customer) => metadataOf(customer).tenantId).sort()).toEqual([...tenantIds].sort());
    expect([...stripe.objects.invoices.values()].filter((invoice) => tenantIds.has(metadataOf(invoice).tenantId!)).map((invoice) => invoice.id).sort()).toEqual(invoices.map((invoice) => invoice.stripe.invoiceId).sort());
    expect([...stripe.objects.invoiceitems.values()].filter((item) => tenantIds.has(metadataOf(item).tenantId!))).toHaveLength(3);
    const stripeInvoiceIds = new Set(invoices.map((invoice) => invoice.stripe.invoiceId));
    expect(stripe.sent.filter((id) => stripeInvoiceIds.has(id)).sort()).toEqual([...stripeInvoiceIds].sort());
    const calls = stripe.calls.slice(firstCall).filter(ours);
    const keyed = calls.filter((call) => call.method === 'POST' && !call.path.startsWith('/v1/customers') && !call.path.startsWith('/v1/tax_rates'));
    expect(keyed.length).toBeGreaterThan(0);
    for (const call of keyed) expect(call.idempotencyKey).toMatch(new RegExp(`^dh:${run.id}:(${shop.id}|${ressourcerie.id}):(invoice|finalize|send|item:dlv_[0-9A-Z]{26}:delivery)$`));
    const finalizes = calls.filter((call) => call.path.endsWith('/finalize'));
    expect(finalizes.length).toBe(4); // 2 refused, 2 retried with the same keys
    expect(new Set(finalizes.map((call) => call.idempotencyKey)).size).toBe(2);

    for (const tenant of [shop, ressourcerie]) expect((await reconciliationOf(tenant, period))?.discrepancies, tenant.id).toEqual([]);
  });

  it('marks an invoice paid from a signed invoice.paid webhook, once, and ignores replays and late events', async () => {
    const { tenant, invoice, period } = await tenantWithSyncedInvoice('Paid');
    const paidAt = Math.floor(Date.now() / 1000);
    const paid = signed(invoiceEvent('invoice.paid', invoice, paidAt, { status: 'paid', amount_paid: invoice.total.gross, status_transitions: { paid_at: paidAt } }));
    const first = await postWebhook(paid.payload, paid.header);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ received: true, outcome: 'applied' });
    expect(await getInvoice(invoice.id)).toMatchObject({ status: 'paid', paidAt: new Date(paidAt * 1000).toISOString(), stripe: { status: 'paid', amountPaid: invoice.total.gross } });

    expect((await postWebhook(paid.payload, paid.header)).json).toEqual({ received: true, outcome: 'duplicate' });
    // A finalized event that Stripe sent earlier arrives now: the invoice stays paid.
    const late = signed(invoiceEvent('invoice.finalized', invoice, paidAt - 60, { status: 'open', amount_paid: 0 }));
    expect((await postWebhook(late.payload, late.header)).status).toBe(200);
    const voided = signed(invoiceEvent('invoice.voided', invoice, paidAt + 60, { status: 'void' }));
    expect((await postWebhook(voided.payload, voided.header)).status).toBe(200);
    expect(await getInvoice(invoice.id)).toMatchObject({ status: 'paid', stripe: { amountPaid: invoice.total.gross } });

    await api.runtime.settle();
    const trail = (await api.call('GET', `/v1/tenants/${tenant.id}/events?limit=100`)).json.data as Array<{ type: string; data: { id: string; status: string } }>;
    const paidEvents = trail.filter((event) => event.type === 'invoice.paid');
    expect(paidEvents).toHaveLength(1);
    expect(paidEvents[0]?.data).toMatchObject({ id: invoice.id, status: 'paid' });
    expect(trail.filter((event) => event.type === 'invoice.issued').map((event) => event.data.id)).toEqual([invoice.id]);

    expect(await reconciliationOf(tenant, period)).toMatchObject({ paidAmount: invoice.total.gross, discrepancies: [] });
    // Paid through Stripe: a payment like any other, recorded once.
    const payments = (await api.call('GET', `/v1/billing/payments?invoiceId=${invoice.id}`)).json.data;
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ source: 'stripe', amount: invoice.total.gross, method: 'card' });
  });

  it('mirrors a credit note in Stripe once, and marks an invoice paid elsewhere paid out of band, once', async () => {
    const { invoice } = await tenantWithSyncedInvoice('Mirrored');
    const firstCall = stripe.calls.length;
    const credited = await api.call('POST', `/v1/billing/invoices/${invoice.id}/credit-notes`, { body: { reason: 'Retard', lines: [{ lineId: (await getInvoice(invoice.id)).lines[0]!.deliveryId + ':delivery', amount: 120 }] } });
    expect(credited.status, credited.text).toBe(201);
    expect(credited.json.stripe).toMatchObject({ syncStatus: 'pending' });
    await api.runtime.settle();
    const note = (await api.call('GET', `/v1/billing/credit-notes/${credited.json.id}`)).json;
    expect(note.stripe).toMatchObject({ syncStatus: 'synced' });
    expect(note.stripe.creditNoteId).toMatch(/^cn_/);
    const stripeNote = stripe.objects.credit_notes.get(note.stripe.creditNoteId)!;
    expect(stripeNote).toMatchObject({ invoice: invoice.stripe.invoiceId, total: 120 });
    expect(stripe.objects.invoices.get(invoice.stripe.invoiceId)).toMatchObject({ amount_due: invoice.total.gross - 120 });

    // The rest arrives by transfer: recorded by hand, the Stripe invoice is marked paid out of band.
    const paid = await api.call('POST', `/v1/billing/invoices/${invoice.id}/payments`, { body: { amount: invoice.total.gross - 120, method: 'transfer', reference: 'VIR 7' } });
    expect(paid.status, paid.text).toBe(201);
    await api.runtime.settle();
    expect(stripe.objects.invoices.get(invoice.stripe.invoiceId)).toMatchObject({ status: 'paid', paid_out_of_band: true });
    // Redelivered events change nothing in Stripe: one credit note, one payment out of band.
    await api.runtime.settle();
    const calls = stripe.calls.slice(firstCall).filter((call) => call.method === 'POST' && !call.replayed);
    expect(calls.filter((call) => call.path === '/v1/credit_notes')).toHaveLength(1);
    expect(calls.filter((call) => call.path.endsWith('/pay'))).toHaveLength(1);
    expect(calls.find((call) => call.path === '/v1/credit_notes')?.idempotencyKey).toBe(`dh:${note.id}:credit-note`);
    expect(await getInvoice(invoice.id)).toMatchObject({ status: 'paid', paidAmount: invoice.total.gross - 120, creditedAmount: 120, amountDue: 0 });
  });

  it('refuses a forged webhook, and changes nothing', async () => {
    const { invoice } = await tenantWithSyncedInvoice('Forged');
    const event = invoiceEvent('invoice.paid', invoice, Math.floor(Date.now() / 1000), { status: 'paid', amount_paid: invoice.total.gross });
    const forged = signed(event, 'whsec_not_the_secret');
    expectError(await postWebhook(forged.payload, forged.header), 401, 'invalid_signature');
    const genuine = signed(event);
    expectError(await postWebhook(genuine.payload.replace(`"amount_paid": ${invoice.total.gross}`, '"amount_paid": 1'), genuine.header), 401, 'invalid_signature');
    expectError(await postWebhook(genuine.payload, undefined), 401, 'invalid_signature');
    expect(await getInvoice(invoice.id)).toMatchObject({ status: 'open', paidAt: null, stripe: { status: 'open', amountPaid: 0 } });
  });

  it('records a failed payment and a move to uncollectible, and acknowledges events that are not ours', async () => {
    const { invoice } = await tenantWithSyncedInvoice('Uncollectible');
    const now = Math.floor(Date.now() / 1000);
    const failed = signed(invoiceEvent('invoice.payment_failed', invoice, now, { status: 'open', amount_paid: 0 }));
    expect((await postWebhook(failed.payload, failed.header)).json.outcome).toBe('applied');
    const uncollectible = signed(invoiceEvent('invoice.marked_uncollectible', invoice, now + 1, { status: 'uncollectible', amount_paid: 0 }));
    expect((await postWebhook(uncollectible.payload, uncollectible.header)).json.outcome).toBe('applied');
    expect(await getInvoice(invoice.id)).toMatchObject({ status: 'uncollectible', stripe: { status: 'uncollectible', paymentFailedAt: new Date(now * 1000).toISOString() } });

    const foreign = signed({ id: `evt_foreign${now}`, object: 'event', type: 'invoice.paid', created: now, data: { object: { id: 'in_other', object: 'invoice', metadata: {} } } });
    expect((await postWebhook(foreign.payload, foreign.header)).json).toEqual({ received: true, outcome: 'ignored' });
    const other = signed({ id: `evt_customer${now}`, object: 'event', type: 'customer.created', created: now, data: { object: { id: 'cus_1', object: 'customer' } } });
    expect((await postWebhook(other.payload, other.header)).json).toEqual({ received: true, outcome: 'ignored' });
  });

  it('keeps a push Stripe refuses as failed, with Stripe\'s reason, for the reconciliation to show', async () => {
    const tenant = await newTenant('Refused');
    await complete(tenant, 'R-1');
    await api.runtime.settle();
    stripe.fail((call) => call.path === '/v1/invoices' && call.method === 'POST' && forTenants([tenant])(call), 1, 400);
    const period = currentPeriod();
    const { issued } = await runBillingFor([tenant], period);
    expect(issued).toHaveLength(1);
    await api.runtime.settle();
    const invoice = await getInvoice(issued[0]!.id);
    expect(invoice.stripe).toMatchObject({ syncStatus: 'failed', syncError: expect.stringContaining('Injected failure') });
    const row = await reconciliationOf(tenant, period);
    expect(row?.discrepancies.map((entry) => [entry.kind, entry.invoiceId])).toContainEqual(['stripe_not_synced', invoice.id]);
  });

  it('resumes a stalled push after the run, through the bus: the run calls no Stripe, the push finishes once', async () => {
    const tenant = await newTenant('Stalled');
    const hook = await startReceiver();
    try {
      const endpoint = (await api.call('POST', '/v1/webhook-endpoints', { key: tenant.key, body: { url: hook.url, events: ['invoice.*'] } })).json as { id: string };
      await complete(tenant, 'S-1');
      await api.runtime.settle();
      // The push gets as far as the invoice items, then stops at finalize; 11 minutes later it is
      // still pending (as after a consumer that died): a stalled push.
      stripe.fail((call) => call.path.endsWith('/finalize') && forTenants([tenant])(call), 1, 400);
      const period = currentPeriod();
      const issuing = await runBillingFor([tenant], period);
      expect(issuing.issued).toHaveLength(1);
      const invoiceId = issuing.issued[0]!.id;
      await api.runtime.settle();
      const partial = await getInvoice(invoiceId);
      expect(partial.stripe).toMatchObject({ syncStatus: 'failed', invoiceId: expect.stringMatching(/^in_/) });
      await billingRepository.updateStripe(tenant.id, invoiceId, { syncStatus: 'pending', syncError: null, lastAttemptAt: new Date(Date.now() - STALE_PUSH_MS - 60_000).toISOString() }, new Date());
      const stripeInvoiceId = partial.stripe.invoiceId;

      // Two runs while the bus is down: each requests the push and answers; Stripe hears nothing.
      const callsBefore = stripe.calls.length;
      api.runtime.bus.failNextPutEvents(Number.MAX_SAFE_INTEGER);
      const runs = await Promise.all([1, 2].map(() => runBillingFor([tenant], period)));
      for (const { run, issued } of runs) {
        expect(run.status).toBe('completed');
        expect(issued).toEqual([]);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(stripe.calls.slice(callsBefore)).toEqual([]);
      expect((await getInvoice(invoiceId)).stripe.syncStatus).toBe('pending');
      const requests = await pushRequests(invoiceId);
      expect(requests.map((request) => request.data).sort((a, b) => a.requestedByRun.localeCompare(b.requestedByRun))).toEqual(
        runs.map(({ run }) => ({ id: invoiceId, tenantId: tenant.id, provider: 'stripe', requestedByRun: run.id })).sort((a, b) => a.requestedByRun.localeCompare(b.requestedByRun)),
      );

      // The bus is back: the consumer resumes from the checkpoints, with the same idempotency keys.
      api.runtime.bus.failNextPutEvents(0);
      await api.runtime.settle();
      const synced = await getInvoice(invoiceId);
      expect(synced.stripe).toMatchObject({ syncStatus: 'synced', invoiceId: stripeInvoiceId, status: 'open', total: synced.total.gross, syncError: null });
      const ours = (call: { path: string; form: Record<string, string> }) => call.path.startsWith(`/v1/invoices/${stripeInvoiceId}/`) || call.form['metadata[invoiceId]'] === invoiceId || call.form.invoice === stripeInvoiceId;
      expect([...stripe.objects.invoices.values()].filter((invoice) => (invoice.metadata as Record<string, string>).invoiceId === invoiceId)).toHaveLength(1);
      expect([...stripe.objects.invoiceitems.values()].filter((item) => item.invoice === stripeInvoiceId)).toHaveLength(1);
      const finalizes = stripe.calls.filter((call) => ours(call) && call.path.endsWith('/finalize'));
      expect(finalizes.filter((call) => !call.replayed)).toHaveLength(2); // refused once, then done once
      expect(new Set(finalizes.map((call) => call.idempotencyKey))).toEqual(new Set([`dh:${issuing.run.id}:${tenant.id}:finalize`]));
      expect(stripe.sent.filter((id) => id === stripeInvoiceId)).toHaveLength(1);

      // Synced: a later run requests nothing, and Stripe hears nothing more of it.
      const callsAfter = stripe.calls.length;
      await runBillingFor([tenant], period);
      await api.runtime.settle();
      expect(await pushRequests(invoiceId)).toHaveLength(2);
      expect(stripe.calls.slice(callsAfter).filter(forTenants([tenant]))).toEqual([]);

      // Internal: in neither the tenant's webhooks (`invoice.*`) nor its audit trail.
      const sentTypes = (await api.call('GET', `/v1/webhook-endpoints/${endpoint.id}/messages?limit=100`, { key: tenant.key })).json.data.map((message: { type: string }) => message.type);
      expect(sentTypes).toEqual(['invoice.issued']);
      expect(hook.received.map((request) => JSON.parse(request.body).type)).toEqual(['invoice.issued']);
      const trail = (await api.call('GET', `/v1/tenants/${tenant.id}/events?limit=100`, { key: tenant.key })).json.data as Array<{ type: string; data: { id: string } }>;
      expect(trail.filter((event) => event.data.id === invoiceId).map((event) => event.type)).toEqual(['invoice.issued']);
      expect(trail.some((event) => event.type === 'invoice.push_requested')).toBe(false);
    } finally {
      api.runtime.bus.failNextPutEvents(0);
      await hook.close();
    }
  });
});

/** The `invoice.push_requested` outbox items for an invoice (a test may scan its own table). */
async function pushRequests(invoiceId: string): Promise<Array<{ data: { id: string; tenantId: string; provider: string; requestedByRun: string } }>> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new ScanCommand({ TableName: config.tableName, FilterExpression: 'entity = :outbox AND #type = :type', ExpressionAttributeNames: { '#type': 'type' }, ExpressionAttributeValues: { ':outbox': 'outbox', ':type': 'invoice.push_requested' }, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.map((item) => JSON.parse(item.detail as string)).filter((detail) => detail.data.id === invoiceId);
}
