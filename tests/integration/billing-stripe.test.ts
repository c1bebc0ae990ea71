import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../shared/billing/period.js';
import { billingRepository } from '../../shared/billing/repository.js';
import { STALE_PUSH_MS } from '../../shared/billing/service.js';
import { config } from '../../shared/config.js';
import { db } from '../../shared/db/client.js';
import { startReceiver } from '../helpers/receiver.js';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';
import { startStripeServer, type StripeServer } from '../helpers/stripe-server.js';

const WEBHOOK_SECRET = 'whsec_billing_integration_test';
let api: TestApi;
let actors: Actors;
let stripe: StripeServer;
const period = periodOf(new Date());

async function complete(tenantKey: string, reference: string) {
  const booked = await api.call('POST', '/v1/deliveries', { key: tenantKey, body: { ...quoteBody(), reference } });
  const id = booked.json.id as string;
  await api.call('POST', `/v1/hub/deliveries/${id}/assign`, { body: { courierId: actors.courier.id } });
  await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: actors.courier.key, body: { type: 'picked_up' } });
  const done = await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: actors.courier.key, body: { type: 'delivered' } });
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

let invoices: Invoice[] = [];
const deliveryIds: string[] = [];

beforeAll(async () => {
  stripe = await startStripeServer();
  // Each test file runs in its own process: this configuration stays here.
  process.env.STRIPE_SECRET_KEY = 'sk_test_billing_integration';
  process.env.STRIPE_API_BASE = stripe.url;
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  api = await startTestApi();
  actors = await setUpActors(api);
  deliveryIds.push((await complete(actors.tenantKey, 'A-1')).id, (await complete(actors.tenantKey, 'A-2')).id, (await complete(actors.otherTenantKey, 'B-1')).id);
  await api.runtime.settle();
}, 120_000);
afterAll(async () => {
  await api?.stop();
  await stripe?.stop();
});

describe('billing with Stripe', () => {
  it('issues ledger invoices, then pushes each to Stripe once: customer, items with delivery ids, finalized, sent', async () => {
    // The first finalize of each invoice fails (a Stripe outage): the consumer's retry resumes the push.
    stripe.fail((call) => call.path.endsWith('/finalize'), 2, 500);
    const run = await api.call('POST', '/v1/billing/runs', { body: { period } });
    expect(run.status).toBe(201);
    expect(run.json.invoices).toHaveLength(2);
    for (const invoice of run.json.invoices) expect(invoice).toMatchObject({ provider: 'stripe', status: 'open', stripe: { syncStatus: 'pending' } });
    await api.runtime.settle();

    invoices = await Promise.all((run.json.invoices as Invoice[]).map((invoice) => getInvoice(invoice.id)));
    for (const invoice of invoices) {
      expect(invoice.stripe).toMatchObject({ syncStatus: 'synced', status: 'open', total: invoice.total.gross, customerId: expect.stringMatching(/^cus_/), sentAt: expect.any(String), syncError: null });
      const stripeInvoice = stripe.objects.invoices.get(invoice.stripe.invoiceId);
      expect(stripeInvoice).toMatchObject({ number: invoice.number, collection_method: 'send_invoice', days_until_due: 30, status: 'open', total: invoice.total.gross });
      const items = [...stripe.objects.invoiceitems.values()].filter((item) => item.invoice === invoice.stripe.invoiceId);
      expect(items.map((item) => (item.metadata as Record<string, string>).deliveryId).sort()).toEqual(invoice.lines.map((line) => line.deliveryId).sort());
    }
    // Nothing duplicated, whatever the retries: one customer per tenant, one invoice per ledger invoice, one item per line.
    expect(stripe.objects.customers.size).toBe(2);
    expect(stripe.objects.invoices.size).toBe(2);
    expect(stripe.objects.invoiceitems.size).toBe(3);
    expect(stripe.sent.sort()).toEqual(invoices.map((invoice) => invoice.stripe.invoiceId).sort());
    const runId = run.json.id as string;
    const keyed = stripe.calls.filter((call) => call.method === 'POST' && !call.path.startsWith('/v1/customers') && !call.path.startsWith('/v1/tax_rates'));
    for (const call of keyed) expect(call.idempotencyKey).toMatch(new RegExp(`^dh:${runId}:ten_[0-9A-Z]{26}:(invoice|finalize|send|item:dlv_[0-9A-Z]{26}:delivery)$`));
    const finalizes = stripe.calls.filter((call) => call.path.endsWith('/finalize'));
    expect(finalizes.length).toBe(4); // 2 refused, 2 retried with the same keys
    expect(new Set(finalizes.map((call) => call.idempotencyKey)).size).toBe(2);

    const report = (await api.call('GET', `/v1/billing/reconciliation?period=${period}`)).json;
    expect(report.clean, JSON.stringify(report.tenants)).toBe(true);
  });

  it('marks an invoice paid from a signed invoice.paid webhook, once, and ignores replays and late events', async () => {
    const invoice = invoices.find((candidate) => candidate.tenantId === actors.tenantId) as Invoice;
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
    const trail = (await api.call('GET', `/v1/tenants/${actors.tenantId}/events?limit=100`)).json.data as Array<{ type: string; data: { id: string; status: string } }>;
    const paidEvents = trail.filter((event) => event.type === 'invoice.paid');
    expect(paidEvents).toHaveLength(1);
    expect(paidEvents[0]?.data).toMatchObject({ id: invoice.id, status: 'paid' });
    expect(trail.filter((event) => event.type === 'invoice.issued').map((event) => event.data.id)).toEqual([invoice.id]);

    const row = (await api.call('GET', `/v1/billing/reconciliation?period=${period}`)).json.tenants.find((entry: { tenantId: string }) => entry.tenantId === actors.tenantId);
    expect(row).toMatchObject({ paidAmount: invoice.total.gross, discrepancies: [] });
  });

  it('refuses a forged webhook, and changes nothing', async () => {
    const invoice = invoices.find((candidate) => candidate.tenantId === actors.otherTenantId) as Invoice;
    const event = invoiceEvent('invoice.paid', invoice, Math.floor(Date.now() / 1000), { status: 'paid', amount_paid: invoice.total.gross });
    const forged = signed(event, 'whsec_not_the_secret');
    expectError(await postWebhook(forged.payload, forged.header), 401, 'invalid_signature');
    const genuine = signed(event);
    expectError(await postWebhook(genuine.payload.replace(`"amount_paid": ${invoice.total.gross}`, '"amount_paid": 1'), genuine.header), 401, 'invalid_signature');
    expectError(await postWebhook(genuine.payload, undefined), 401, 'invalid_signature');
    expect((await getInvoice(invoice.id)).status).toBe('open');
  });

  it('records a failed payment and a move to uncollectible, and acknowledges events that are not ours', async () => {
    const invoice = invoices.find((candidate) => candidate.tenantId === actors.otherTenantId) as Invoice;
    const now = Math.floor(Date.now() / 1000);
    const failed = signed(invoiceEvent('invoice.payment_failed', invoice, now, { status: 'open', amount_paid: 0 }));
    expect((await postWebhook(failed.payload, failed.header)).json.outcome).toBe('applied');
    const uncollectible = signed(invoiceEvent('invoice.marked_uncollectible', invoice, now + 1, { status: 'uncollectible', amount_paid: 0 }));
    expect((await postWebhook(uncollectible.payload, uncollectible.header)).json.outcome).toBe('applied');
    expect(await getInvoice(invoice.id)).toMatchObject({ status: 'uncollectible', stripe: { status: 'uncollectible', paymentFailedAt: new Date(now * 1000).toISOString() } });

    const foreign = signed({ id: 'evt_foreign', object: 'event', type: 'invoice.paid', created: now, data: { object: { id: 'in_other', object: 'invoice', metadata: {} } } });
    expect((await postWebhook(foreign.payload, foreign.header)).json).toEqual({ received: true, outcome: 'ignored' });
    const other = signed({ id: 'evt_customer', object: 'event', type: 'customer.created', created: now, data: { object: { id: 'cus_1', object: 'customer' } } });
    expect((await postWebhook(other.payload, other.header)).json).toEqual({ received: true, outcome: 'ignored' });
  });

  it('keeps a push Stripe refuses as failed, with Stripe\'s reason, for the reconciliation to show', async () => {
    await complete(actors.otherTenantKey, 'B-refused');
    await api.runtime.settle();
    stripe.fail((call) => call.path === '/v1/invoices' && call.method === 'POST', 1, 400);
    const run = await api.call('POST', '/v1/billing/runs', { body: { period } });
    await api.runtime.settle();
    const invoice = await getInvoice(run.json.invoices[0].id);
    expect(invoice.stripe).toMatchObject({ syncStatus: 'failed', syncError: expect.stringContaining('Injected failure') });
    const row = (await api.call('GET', `/v1/billing/reconciliation?period=${period}`)).json.tenants.find((entry: { tenantId: string }) => entry.tenantId === actors.otherTenantId);
    expect(row.discrepancies.map((entry: { kind: string; invoiceId: string }) => [entry.kind, entry.invoiceId])).toContainEqual(['stripe_not_synced', invoice.id]);
  });

  it('resumes a stalled push after the run, through the bus: the run calls no Stripe, the push finishes once', async () => {
    const hook = await startReceiver();
    try {
      const endpoint = (await api.call('POST', '/v1/webhook-endpoints', { key: actors.tenantKey, body: { url: hook.url, events: ['invoice.*'] } })).json as { id: string };
      await complete(actors.tenantKey, 'A-stalled');
      await api.runtime.settle();
      // The push gets as far as the invoice items, then stops at finalize; 11 minutes later it is
      // still pending (as after a consumer that died): a stalled push.
      stripe.fail((call) => call.path.endsWith('/finalize'), 1, 400);
      const issuing = await api.call('POST', '/v1/billing/runs', { body: { period } });
      expect(issuing.json.invoices).toHaveLength(1);
      const invoiceId = issuing.json.invoices[0].id as string;
      await api.runtime.settle();
      const partial = await getInvoice(invoiceId);
      expect(partial.stripe).toMatchObject({ syncStatus: 'failed', invoiceId: expect.stringMatching(/^in_/) });
      await billingRepository.updateStripe(actors.tenantId, invoiceId, { syncStatus: 'pending', syncError: null, lastAttemptAt: new Date(Date.now() - STALE_PUSH_MS - 60_000).toISOString() }, new Date());
      const stripeInvoiceId = partial.stripe.invoiceId;

      // Two runs while the bus is down: each requests the push and answers; Stripe hears nothing.
      const callsBefore = stripe.calls.length;
      api.runtime.bus.failNextPutEvents(Number.MAX_SAFE_INTEGER);
      const runs = await Promise.all([1, 2].map(() => api.call('POST', '/v1/billing/runs', { body: { period } })));
      for (const run of runs) expect(run.json).toMatchObject({ status: 'completed', invoices: [] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(stripe.calls.slice(callsBefore)).toEqual([]);
      expect((await getInvoice(invoiceId)).stripe.syncStatus).toBe('pending');
      const requests = await pushRequests(invoiceId);
      expect(requests.map((request) => request.data).sort((a, b) => a.requestedByRun.localeCompare(b.requestedByRun))).toEqual(
        runs.map((run) => ({ id: invoiceId, tenantId: actors.tenantId, provider: 'stripe', requestedByRun: run.json.id })).sort((a, b) => a.requestedByRun.localeCompare(b.requestedByRun)),
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
      expect(new Set(finalizes.map((call) => call.idempotencyKey))).toEqual(new Set([`dh:${issuing.json.id}:${actors.tenantId}:finalize`]));
      expect(stripe.sent.filter((id) => id === stripeInvoiceId)).toHaveLength(1);

      // Synced: a later run requests nothing, and Stripe hears nothing more.
      const callsAfter = stripe.calls.length;
      await api.call('POST', '/v1/billing/runs', { body: { period } });
      await api.runtime.settle();
      expect(await pushRequests(invoiceId)).toHaveLength(2);
      expect(stripe.calls.length).toBe(callsAfter);

      // Internal: in neither the tenant's webhooks (`invoice.*`) nor its audit trail.
      const sentTypes = (await api.call('GET', `/v1/webhook-endpoints/${endpoint.id}/messages?limit=100`, { key: actors.tenantKey })).json.data.map((message: { type: string }) => message.type);
      expect(sentTypes).toEqual(['invoice.issued']);
      expect(hook.received.map((request) => JSON.parse(request.body).type)).toEqual(['invoice.issued']);
      const trail = (await api.call('GET', `/v1/tenants/${actors.tenantId}/events?limit=100`, { key: actors.tenantKey })).json.data as Array<{ type: string; data: { id: string } }>;
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
