import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as scheduledRun } from '../../functions/billing/scheduled-run.js';
import { periodOf, shiftPeriod } from '../../shared/billing/period.js';
import { billingRepository } from '../../shared/billing/repository.js';
import { invoiceIdFor, runBilling } from '../../shared/billing/service.js';
import { parseInvoiceNumber } from '../../shared/billing/numbering.js';
import { newId } from '../../shared/ids.js';
import { CreateTenantBody } from '../../shared/tenants/schemas.js';
import { createTenant } from '../../shared/tenants/service.js';
import { expectError, sampleTenant, startTestApi, type TestApi } from '../helpers/runtime.js';
import { quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

let api: TestApi;
let actors: Actors;
let accountantKey: string;
const period = periodOf(new Date());
/** The hub's first tenant joined six months ago: the past months these tests bill are billable. */
const joinedPeriod = shiftPeriod(period, -6);

const asAccountant = (options: Record<string, unknown> = {}) => ({ key: accountantKey, ...options });

async function book(tenantKey: string, reference: string) {
  const response = await api.call('POST', '/v1/deliveries', { key: tenantKey, body: { ...quoteBody(), reference } });
  if (response.status !== 201) throw new Error(response.text);
  return response.json as { id: string; price: { gross: number } };
}

async function complete(tenantKey: string, reference: string) {
  const delivery = await book(tenantKey, reference);
  const steps = [
    await api.call('POST', `/v1/hub/deliveries/${delivery.id}/assign`, { body: { courierId: actors.courier.id } }),
    await api.call('POST', `/v1/courier/deliveries/${delivery.id}/events`, { key: actors.courier.key, body: { type: 'picked_up' } }),
    await api.call('POST', `/v1/courier/deliveries/${delivery.id}/events`, { key: actors.courier.key, body: { type: 'delivered', proof: { recipientName: 'C. Martin' } } }),
  ];
  for (const step of steps) if (step.status !== 200) throw new Error(step.text);
  return steps[2]?.json as { id: string; price: { net: number; vat: number; gross: number } };
}

type InvoiceJson = { id: string; number: string | null; tenantId: string; status: string; total: { net: number; vat: number; gross: number }; lines: Array<{ deliveryId: string; kind: string; gross: number }> };

async function allInvoices(forPeriod = period): Promise<InvoiceJson[]> {
  const invoices: InvoiceJson[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.call('GET', `/v1/billing/invoices?period=${forPeriod}&limit=100${cursor ? `&cursor=${cursor}` : ''}`, asAccountant());
    expect(page.status).toBe(200);
    invoices.push(...page.json.data);
    cursor = page.json.nextCursor ?? undefined;
  } while (cursor);
  return invoices;
}

const reconciliation = async (forPeriod = period) => {
  const response = await api.call('GET', `/v1/billing/reconciliation?period=${forPeriod}`, asAccountant());
  expect(response.status).toBe(200);
  return response.json;
};

const delivered: string[] = [];
let feeDeliveryId: string;

beforeAll(async () => {
  api = await startTestApi();
  await createTenant(CreateTenantBody.parse(sampleTenant({ name: 'La Première Épicerie' })), new Date(`${joinedPeriod}-15T10:00:00.000Z`));
  actors = await setUpActors(api);
  accountantKey = (await api.call('POST', '/v1/hub/api-keys', { body: { role: 'accountant' } })).json.key;
  // The first tenant's rate card charges 3 € when an assigned delivery is cancelled.
  const { object: _object, source: _source, tenantId: _tenantId, ...rates } = (await api.call('GET', `/v1/tenants/${actors.tenantId}/rate-card`)).json;
  expect((await api.call('PUT', `/v1/tenants/${actors.tenantId}/rate-card`, { body: { ...rates, cancellationFeeCents: 300 } })).status).toBe(200);

  for (let index = 0; index < 4; index += 1) delivered.push((await complete(actors.tenantKey, `A-${index}`)).id);
  for (let index = 0; index < 3; index += 1) delivered.push((await complete(actors.otherTenantKey, `B-${index}`)).id);
  // Cancelled before assignment: free. Cancelled once assigned: a fee.
  const free = await book(actors.tenantKey, 'A-free');
  await api.call('POST', `/v1/deliveries/${free.id}/cancel`, { key: actors.tenantKey, body: {} });
  const fee = await book(actors.tenantKey, 'A-fee');
  await api.call('POST', `/v1/hub/deliveries/${fee.id}/assign`, { body: { courierId: actors.courier.id } });
  const cancelled = await api.call('POST', `/v1/deliveries/${fee.id}/cancel`, { key: actors.tenantKey, body: { reason: 'shop closed' } });
  expect(cancelled.json.cancellation.fee).toMatchObject({ net: 300, vat: 60, gross: 360 });
  feeDeliveryId = fee.id;
  await api.runtime.settle();
}, 120_000);
afterAll(() => api?.stop());

describe('the ledger', () => {
  it('holds one line per delivered delivery and per cancellation fee, none billed yet', async () => {
    const report = await reconciliation();
    expect(report.clean).toBe(false);
    const [a, b] = [actors.tenantId, actors.otherTenantId].map((id) => report.tenants.find((row: { tenantId: string }) => row.tenantId === id));
    expect(a).toMatchObject({ deliveredCount: 4, cancellationFeeCount: 1, ledgerCount: 5, billedCount: 0, invoiceCount: 0 });
    expect(b).toMatchObject({ deliveredCount: 3, cancellationFeeCount: 0, ledgerCount: 3, billedCount: 0 });
    const notBilled = report.tenants.flatMap((row: { discrepancies: Array<{ kind: string; deliveryId: string }> }) => row.discrepancies);
    expect(notBilled.every((discrepancy: { kind: string }) => discrepancy.kind === 'delivered_not_billed')).toBe(true);
    expect(new Set(notBilled.map((discrepancy: { deliveryId: string }) => discrepancy.deliveryId))).toEqual(new Set([...delivered, feeDeliveryId]));
  });

  it('records nothing new when the bus delivers an event again', async () => {
    const trail = (await api.call('GET', `/v1/tenants/${actors.tenantId}/events?limit=100`)).json.data as Array<{ id: string; type: string; occurredAt: string; version: number; data: { id: string } }>;
    const original = trail.find((event) => event.type === 'delivery.delivered' && event.data.id === delivered[0]);
    expect(original).toBeDefined();
    const client = new EventBridgeClient({});
    const detail = { id: original?.id, tenantId: actors.tenantId, occurredAt: original?.occurredAt, version: original?.version, data: original?.data };
    const put = await client.send(new PutEventsCommand({ Entries: [1, 2, 3].map(() => ({ EventBusName: 'delivery-hub', Source: 'delivery-hub', DetailType: 'delivery.delivered', Detail: JSON.stringify(detail) })) }));
    client.destroy();
    expect(put.FailedEntryCount).toBe(0);
    await api.runtime.settle();
    const row = (await reconciliation()).tenants.find((entry: { tenantId: string }) => entry.tenantId === actors.tenantId);
    expect(row.ledgerCount).toBe(5);
  });
});

describe('billing runs', () => {
  it('bill every delivery exactly once across concurrent and repeated runs, numbered without gaps', async () => {
    const concurrent = await Promise.all(
      Array.from({ length: 6 }, (_, index) => api.call('POST', '/v1/billing/runs', index % 2 === 0 ? asAccountant({ body: { period } }) : { body: { period } })),
    );
    for (const response of concurrent) expect(response.status, response.text).toBe(201);
    const again = [await api.call('POST', '/v1/billing/runs', asAccountant({ body: { period } })), await api.call('POST', '/v1/billing/runs', asAccountant({ body: { period } }))];
    for (const response of again) {
      expect(response.status).toBe(201);
      expect(response.json).toMatchObject({ object: 'billing_run', period, status: 'completed', invoices: [] });
    }

    const fromRuns = concurrent.flatMap((response) => response.json.invoices as InvoiceJson[]);
    const invoices = await allInvoices();
    expect(invoices.map((invoice) => invoice.id).sort()).toEqual(fromRuns.map((invoice) => invoice.id).sort());
    const billed = invoices.flatMap((invoice) => invoice.lines.map((line) => `${line.deliveryId}:${line.kind}`));
    expect(billed.sort()).toEqual([...delivered.map((id) => `${id}:delivery`), `${feeDeliveryId}:cancellation_fee`].sort());

    for (const invoice of invoices) {
      expect(invoice.status).toBe('open');
      expect(invoice.total.net + invoice.total.vat).toBe(invoice.total.gross);
      expect(invoice.lines.reduce((sum, line) => sum + line.gross, 0)).toBe(invoice.total.gross);
    }
    expect(new Set(invoices.map((invoice) => invoice.tenantId))).toEqual(new Set([actors.tenantId, actors.otherTenantId]));
    const sequences = invoices.map((invoice) => parseInvoiceNumber(invoice.number as string)?.sequence).sort((a, b) => (a as number) - (b as number));
    expect(sequences).toEqual(sequences.map((_, index) => index + 1));
    expect(invoices[0]?.number).toMatch(/^F\d{4}-\d{6}$/);

    const report = await reconciliation();
    expect(report.clean, JSON.stringify(report.tenants.flatMap((row: { discrepancies: unknown[] }) => row.discrepancies))).toBe(true);
    const a = report.tenants.find((row: { tenantId: string }) => row.tenantId === actors.tenantId);
    expect(a.billedCount).toBe(5);
    expect(a.billedAmount).toBe(a.expectedAmount);
    expect(a.invoicedAmount).toBe(a.expectedAmount);
  });

  it('picks up late lines when a period is run again, on a new invoice with the next number', async () => {
    const before = await allInvoices();
    const late = await complete(actors.otherTenantKey, 'B-late');
    await api.runtime.settle();
    const run = await api.call('POST', '/v1/billing/runs', asAccountant({ body: { period } }));
    expect(run.status).toBe(201);
    expect(run.json.invoices).toHaveLength(1);
    const [invoice] = run.json.invoices as InvoiceJson[];
    expect(invoice?.lines.map((line) => line.deliveryId)).toEqual([late.id]);
    expect(invoice?.total.gross).toBe(late.price.gross);
    expect(parseInvoiceNumber(invoice?.number as string)?.sequence).toBe(before.length + 1);
    expect((await reconciliation()).clean).toBe(true);
  });

  it('replays a run for a retried Idempotency-Key, and bills nothing twice', async () => {
    const headers = { 'idempotency-key': `run-${period}-retry` };
    const first = await api.call('POST', '/v1/billing/runs', asAccountant({ body: { period }, headers }));
    const retry = await api.call('POST', '/v1/billing/runs', asAccountant({ body: { period }, headers }));
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json.id).toBe(first.json.id);
  });

  it('finishes the draft of a run that crashed midway, and a retried run resumes its own at once', async () => {
    const one = await complete(actors.otherTenantKey, 'B-crash-1');
    const two = await complete(actors.otherTenantKey, 'B-crash-2');
    await api.runtime.settle();
    // A run claimed one line into its draft, then died (created 20 minutes ago: no run lives that long).
    const crashedRun = newId('billingRun', Date.now() - 20 * 60_000);
    const draftId = invoiceIdFor(crashedRun, actors.otherTenantId);
    const createdAt = new Date(Date.now() - 20 * 60_000).toISOString();
    await billingRepository.createDraft({
      id: draftId, object: 'invoice', number: null, tenantId: actors.otherTenantId, period, runId: crashedRun, status: 'draft', provider: 'ledger',
      total: { currency: 'EUR', net: 0, vat: 0, gross: 0 }, vatBreakdown: [], lineCount: 0, issuedAt: null, dueDate: null, paidAt: null, voidedAt: null,
      seller: null, buyer: null, stripe: null, createdAt, updatedAt: createdAt, assembly: 'collecting',
    });
    const claim = await billingRepository.claimLines(actors.otherTenantId, period, draftId, [`${one.id}:delivery`], new Date());
    expect(claim.claimed).toEqual([`${one.id}:delivery`]);

    const stuck = (await reconciliation()).tenants.find((row: { tenantId: string }) => row.tenantId === actors.otherTenantId);
    expect(stuck.discrepancies.map((entry: { kind: string; deliveryId: string; invoiceId?: string }) => [entry.kind, entry.deliveryId, entry.invoiceId]).sort()).toEqual(
      [
        ['delivered_not_billed', one.id, draftId],
        ['delivered_not_billed', two.id, undefined],
      ].sort(),
    );

    const run = (await api.call('POST', '/v1/billing/runs', asAccountant({ body: { period } }))).json;
    const byLines = Object.fromEntries((run.invoices as InvoiceJson[]).map((invoice) => [invoice.lines.map((line) => line.deliveryId).join(','), invoice]));
    expect(Object.keys(byLines).sort()).toEqual([one.id, two.id].sort());
    expect(byLines[one.id]?.id).toBe(draftId); // the crashed run's invoice, finished, with its line
    expect((await reconciliation()).clean).toBe(true);

    // The same run id, retried (Idempotency-Key, schedule retry): resumes its draft at once.
    const three = await complete(actors.otherTenantKey, 'B-crash-3');
    await api.runtime.settle();
    const retriedRun = newId('billingRun');
    const retriedDraft = invoiceIdFor(retriedRun, actors.otherTenantId);
    const now = new Date().toISOString();
    await billingRepository.createDraft({
      id: retriedDraft, object: 'invoice', number: null, tenantId: actors.otherTenantId, period, runId: retriedRun, status: 'draft', provider: 'ledger',
      total: { currency: 'EUR', net: 0, vat: 0, gross: 0 }, vatBreakdown: [], lineCount: 0, issuedAt: null, dueDate: null, paidAt: null, voidedAt: null,
      seller: null, buyer: null, stripe: null, createdAt: now, updatedAt: now, assembly: 'collecting',
    });
    await billingRepository.claimLines(actors.otherTenantId, period, retriedDraft, [`${three.id}:delivery`], new Date());
    const resumed = await runBilling({ period, trigger: 'api', runId: retriedRun });
    expect(resumed.invoices.map((invoice) => invoice.id)).toEqual([retriedDraft]);
    expect(resumed.invoices[0]?.lines.map((line) => line.deliveryId)).toEqual([three.id]);
    expect((await reconciliation()).clean).toBe(true);
  });

  it('claims a large month in batches (over 100 items per transaction) and still bills each line once under concurrent runs', async () => {
    const busy = shiftPeriod(period, -2);
    const ids = Array.from({ length: 230 }, () => newId('delivery'));
    await Promise.all(
      ids.map((deliveryId, index) =>
        billingRepository.putLine({
          id: `${deliveryId}:delivery`, tenantId: actors.otherTenantId, period: busy, deliveryId, kind: 'delivery', description: 'Livraison', reference: null,
          occurredAt: `${busy}-10T10:00:00.000Z`, vatRateBasisPoints: 2000, net: 1000 + index, vat: Math.floor(((1000 + index) * 2000 + 5000) / 10_000),
          gross: 1000 + index + Math.floor(((1000 + index) * 2000 + 5000) / 10_000), eventId: newId('event'), recordedAt: `${busy}-10T10:00:00.000Z`,
        }),
      ),
    );
    const runs = await Promise.all([
      ...Array.from({ length: 4 }, () => runBilling({ period: busy, trigger: 'api' })),
      api.call('POST', '/v1/billing/runs', asAccountant({ body: { period: busy } })).then((response) => response.json),
    ]);
    const issued = runs.flatMap((run) => run.invoices as InvoiceJson[]);
    const listed = await allInvoices(busy);
    expect(listed.map((invoice) => invoice.id).sort()).toEqual(issued.map((invoice) => invoice.id).sort());
    const billed = listed.flatMap((invoice) => invoice.lines.map((line) => line.deliveryId));
    expect(billed).toHaveLength(ids.length);
    expect(new Set(billed)).toEqual(new Set(ids));
    for (const invoice of listed) expect(invoice.lines.reduce((sum, line) => sum + line.gross, 0)).toBe(invoice.total.gross);
    // Runs that lose a whole batch to another run leave the tenant to it: one invoice, not a split month.
    expect(listed.length).toBeLessThanOrEqual(2);
  });

  it('runs monthly on the previous Paris month, as one run whatever the retries', async () => {
    const past = shiftPeriod(period, -4);
    const occurredAt = `${past}-15T10:00:00.000Z`;
    for (const [index, deliveryId] of [newId('delivery'), newId('delivery')].entries()) {
      await billingRepository.putLine({
        id: `${deliveryId}:delivery`, tenantId: actors.tenantId, period: past, deliveryId, kind: 'delivery', description: 'Livraison Saint-Étienne → Firminy', reference: `OLD-${index}`,
        occurredAt, vatRateBasisPoints: 2000, net: 1000, vat: 200, gross: 1200, eventId: newId('event'), recordedAt: occurredAt,
      });
    }
    // Scheduler fired at 02:00 Paris on the 1st of the month after `past`.
    const scheduledTime = new Date(Date.parse(`${shiftPeriod(past, 1)}-01T00:00:00.000Z`)).toISOString();
    const first = await scheduledRun({ scheduledTime });
    expect(first).toMatchObject({ period: past, invoices: 1 });
    const retry = await scheduledRun({ scheduledTime });
    expect(retry).toMatchObject({ runId: first.runId, period: past, invoices: 1 });
    const invoices = await allInvoices(past);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]?.total).toMatchObject({ net: 2000, vat: 400, gross: 2400 });
  });
});

describe('accounting files and invoices', () => {
  it('exports a FEC whose every entry balances, and the invoice lines as a French CSV', async () => {
    const invoices = (await allInvoices()).filter((invoice) => invoice.status !== 'draft');
    const fec = await api.call('GET', `/v1/billing/export?period=${period}&format=fec`, asAccountant());
    expect(fec.status).toBe(200);
    expect(fec.headers.get('content-type')).toContain('text/plain');
    expect(fec.headers.get('content-disposition')).toMatch(/FEC\d{8}\.txt/);
    const rows = fec.text.split('\r\n').filter(Boolean).map((row) => row.split('\t'));
    expect(rows[0]).toHaveLength(18);
    expect(rows[0]?.[0]).toBe('JournalCode');
    const cents = (text: string) => Math.round(Number(text.replace(',', '.')) * 100);
    const entries = new Map<string, number>();
    for (const row of rows.slice(1)) {
      expect(row).toHaveLength(18);
      expect(row[0]).toBe('VE');
      entries.set(row[2] as string, (entries.get(row[2] as string) ?? 0) + cents(row[11] as string) - cents(row[12] as string));
    }
    expect(entries.size).toBe(invoices.length);
    for (const balance of entries.values()) expect(balance).toBe(0);
    const debit411 = rows.filter((row) => row[4] === '411').reduce((sum, row) => sum + cents(row[11] as string), 0);
    expect(debit411).toBe(invoices.reduce((sum, invoice) => sum + invoice.total.gross, 0));

    const csv = await api.call('GET', `/v1/billing/export?period=${period}&format=csv`, asAccountant());
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.replace('\uFEFF', '').split('\r\n').filter(Boolean);
    expect(lines[0]).toContain('Numéro de facture;');
    expect(lines).toHaveLength(1 + invoices.reduce((sum, invoice) => sum + invoice.lines.length, 0));
  });

  it('answers the reconciliation as CSV for a spreadsheet', async () => {
    const csv = await api.call('GET', `/v1/billing/reconciliation?period=${period}`, asAccountant({ headers: { accept: 'text/csv' } }));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    // fetch's text() drops the byte-order mark: look at the bytes.
    const raw = await fetch(`${api.runtime.apiUrl}/v1/billing/reconciliation?period=${period}`, { headers: { authorization: `Bearer ${accountantKey}`, accept: 'text/csv' } });
    const bytes = Buffer.from(await raw.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // A person reads the header row: French by default (as the invoice CSV), the JSON keeps its field names.
    expect(bytes.subarray(3).toString('utf8').startsWith('Période;Identifiant client;Client;Livraisons livrées;')).toBe(true);
    expect(csv.headers.get('content-language')).toBe('fr');
    expect(csv.text).toContain(actors.tenantId);
  });

  it('heads the reconciliation CSV in English for a caller who prefers it: same columns, same rows', async () => {
    const french = await api.call('GET', `/v1/billing/reconciliation?period=${period}`, asAccountant({ headers: { accept: 'text/csv' } }));
    const english = await api.call('GET', `/v1/billing/reconciliation?period=${period}`, asAccountant({ headers: { accept: 'text/csv', 'accept-language': 'en-US,en;q=0.8' } }));
    const [frenchHeader, ...frenchRows] = french.text.split('\r\n');
    const [englishHeader, ...englishRows] = english.text.split('\r\n');
    expect(englishHeader?.startsWith('Period;Tenant ID;Tenant;Deliveries delivered;')).toBe(true);
    expect(englishHeader?.split(';')).toHaveLength(frenchHeader?.split(';').length ?? 0);
    expect(englishRows).toEqual(frenchRows);
    expect(english.headers.get('content-language')).toBe('en');
    // The JSON is for programs: the same field names whatever the language.
    const json = await api.call('GET', `/v1/billing/reconciliation?period=${period}`, asAccountant({ headers: { 'accept-language': 'en' } }));
    expect(Object.keys(json.json.tenants[0])).toEqual(expect.arrayContaining(['tenantId', 'deliveredCount', 'billedAmount', 'paidAmount', 'discrepancies']));
  });

  it('shows an invoice as JSON and as a printable French invoice', async () => {
    const [invoice] = await allInvoices();
    const json = await api.call('GET', `/v1/billing/invoices/${invoice?.id}`, asAccountant());
    expect(json.json).toMatchObject({ id: invoice?.id, object: 'invoice', provider: 'ledger', stripe: null, seller: { siret: expect.any(String) }, buyer: { tenantId: invoice?.tenantId } });
    const html = await api.call('GET', `/v1/billing/invoices/${invoice?.id}`, asAccountant({ headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } }));
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.text).toContain(`Facture ${invoice?.number}`);
    expect(html.text).toContain('Total TTC');
    const query = await api.call('GET', `/v1/billing/invoices/${invoice?.id}?format=html`, asAccountant());
    expect(query.text).toBe(html.text);
    expectError(await api.call('GET', '/v1/billing/invoices/inv_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', asAccountant()), 404, 'resource_missing');
  });
});

describe('access and validation', () => {
  it('is the accountant\'s and the admin\'s, not a tenant\'s: a tenant reads its own invoices only', async () => {
    expectError(await api.call('POST', '/v1/billing/runs', { key: actors.tenantKey, body: { period } }), 403, 'forbidden');
    const own = await api.call('GET', `/v1/billing/invoices?period=${period}`, { key: actors.tenantKey });
    expect(own.status).toBe(200);
    expect(own.json.data.length).toBeGreaterThan(0);
    expect(new Set(own.json.data.map((invoice: { tenantId: string }) => invoice.tenantId))).toEqual(new Set([actors.tenantId]));
    expectError(await api.call('GET', `/v1/billing/reconciliation?period=${period}`, { key: null }), 401, 'missing_api_key');
    expectError(await api.call('GET', `/v1/billing/export?period=${period}`, { key: actors.courier.key }), 403, 'forbidden');
  });

  it.each([
    ['a malformed period', { period: '2026-13' }, 'parameter_invalid'],
    ['a period that has not started', { period: shiftPeriod(period, 1) }, 'parameter_invalid'],
    ['no period', {}, 'parameter_missing'],
  ])('refuses a run with %s', async (_name, body, code) => {
    expect(expectError(await api.call('POST', '/v1/billing/runs', asAccountant({ body })), 400, code).param).toBe('period');
  });

  it('bills from the month the first tenant joined to the current Paris month, and says so when asked for another', async () => {
    for (const asked of ['0000-01', shiftPeriod(joinedPeriod, -1), shiftPeriod(period, 1), '9999-12']) {
      const error = expectError(await api.call('POST', '/v1/billing/runs', asAccountant({ body: { period: asked } })), 400, 'parameter_invalid');
      expect(error.param).toBe('period');
      expect(error.message).toContain(`a run bills a month from ${joinedPeriod} (when the first tenant joined) to ${period} (the current month in Paris)`);
    }
    const first = await api.call('POST', '/v1/billing/runs', asAccountant({ body: { period: joinedPeriod } }));
    expect(first.status, first.text).toBe(201);
    expect(first.json).toMatchObject({ period: joinedPeriod, invoices: [] });
  });

  it('refuses a Stripe webhook when no webhook secret is configured (nothing can be verified)', async () => {
    const response = await api.call('POST', '/v1/stripe/webhook', { key: null, rawBody: '{"id":"evt_1","type":"invoice.paid"}', headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' } });
    expectError(response, 401, 'invalid_signature');
  });

  it('lists periods of the past with unknown tenants as empty, and the future bills nothing', async () => {
    expect((await api.call('GET', `/v1/billing/invoices?period=${period}&tenantId=ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7`, asAccountant())).json.data).toEqual([]);
    // Without a period: every period, newest first (issued invoices, never a draft).
    const every = (await api.call('GET', '/v1/billing/invoices?limit=100', asAccountant())).json.data as Array<{ issuedAt: string; status: string }>;
    expect(every.length).toBeGreaterThan(0);
    expect(every.every((invoice) => invoice.status !== 'draft')).toBe(true);
    expect(every.map((invoice) => invoice.issuedAt)).toEqual([...every.map((invoice) => invoice.issuedAt)].sort().reverse());
    expect((await api.call('GET', '/v1/billing/invoices?tenantId=ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', asAccountant())).json.data).toEqual([]);
  });
});
