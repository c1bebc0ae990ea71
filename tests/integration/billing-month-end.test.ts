import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../shared/billing/period.js';
import { sendDueReminders } from '../../shared/billing/reminders.js';
import { billingRepository, invoiceStateIndexes, invoices as invoiceEntity } from '../../shared/billing/repository.js';
import { changes } from '../../shared/db/entity.js';
import { writeOne } from '../../shared/db/transact.js';
import { addDays, parisDate } from '../../shared/billing/period.js';
import { FEC_COLUMNS } from '../../shared/billing/exports.js';
import { extractFacturxXml } from '../../shared/billing/facturx.js';
import { expectError, sampleTenant, startTestApi, type TestApi } from '../helpers/runtime.js';
import { quoteBody } from '../helpers/scenario.js';

/**
 * The accountant's month end without Stripe, through real HTTP into DynamoDB Local: who reads
 * what, payments by hand and from a camt.053 statement, credit notes, the e-mailed invoice and
 * its Factur-X PDF, reminders, the FEC and the reconciliation. Each test makes its own tenants
 * and bills them in its own run, and looks only at what it made.
 */
let api: TestApi;
let courier: { id: string; key: string };
let hubAccountant: string;
const period = periodOf(new Date());

interface Tenant {
  id: string;
  key: string;
  bookkeeper: string;
}

async function newTenant(name: string, extra: Record<string, unknown> = {}): Promise<Tenant> {
  const tenant = await api.call('POST', '/v1/tenants', { body: sampleTenant({ name, ...extra }) });
  if (tenant.status !== 201) throw new Error(tenant.text);
  const key = (await api.call('POST', `/v1/tenants/${tenant.json.id}/api-keys`, { body: {} })).json.key as string;
  const bookkeeper = (await api.call('POST', `/v1/tenants/${tenant.json.id}/api-keys`, { body: { role: 'accountant' } })).json.key as string;
  return { id: tenant.json.id as string, key, bookkeeper };
}

async function deliver(tenant: Tenant, reference: string): Promise<{ id: string; price: { gross: number } }> {
  const booked = await api.call('POST', '/v1/deliveries', { key: tenant.key, body: { ...quoteBody(), reference } });
  if (booked.status !== 201) throw new Error(booked.text);
  const id = booked.json.id as string;
  await api.call('POST', `/v1/hub/deliveries/${id}/assign`, { body: { courierId: courier.id } });
  await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: courier.key, body: { type: 'picked_up' } });
  const done = await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: courier.key, body: { type: 'delivered', proof: { recipientName: 'Camille Martin' } } });
  if (done.status !== 200) throw new Error(done.text);
  return done.json;
}

/** Bills the period and answers the invoice of each given tenant. */
async function bill(...tenants: Tenant[]): Promise<Map<string, any>> {
  await api.runtime.settle();
  const run = await api.call('POST', '/v1/billing/runs', { key: hubAccountant, body: { period } });
  expect(run.status, run.text).toBe(201);
  const mine = new Map<string, any>();
  for (const tenant of tenants) mine.set(tenant.id, run.json.invoices.find((invoice: any) => invoice.tenantId === tenant.id));
  return mine;
}

const pay = (invoiceId: string, body: unknown, key = hubAccountant) => api.call('POST', `/v1/billing/invoices/${invoiceId}/payments`, { key, body });
const invoice = async (id: string, key = hubAccountant) => (await api.call('GET', `/v1/billing/invoices/${id}`, { key })).json;
const euros = (cents: number) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

function camt053(entries: Array<{ amount: number; text: string; ref: string; currency?: string }>, statementId: string): string {
  const ntry = entries
    .map(
      (entry) => `<Ntry><Amt Ccy="${entry.currency ?? 'EUR'}">${euros(entry.amount)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${parisDate(new Date())}</Dt></BookgDt><ValDt><Dt>${parisDate(new Date())}</Dt></ValDt><AcctSvcrRef>${entry.ref}</AcctSvcrRef><BkTxCd><Prtry><Cd>VIR</Cd></Prtry></BkTxCd>
<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties><Dbtr><Nm>EPICERIE DU COIN</Nm></Dbtr></RltdPties><RmtInf><Ustrd>${entry.text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>${statementId}</MsgId><CreDtTm>2026-12-01T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>${statementId}</Id><CreDtTm>2026-12-01T06:00:00</CreDtTm><Acct><Id><IBAN>FR7630004000031234567890143</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-12-01</Dt></Dt></Bal>
${ntry}
</Stmt></BkToCstmrStmt></Document>`;
}

beforeAll(async () => {
  api = await startTestApi();
  const created = (await api.call('POST', '/v1/couriers', { body: { name: 'Alex' } })).json;
  courier = { id: created.id, key: created.apiKey };
  const issued = await api.call('POST', '/v1/hub/api-keys', { body: { role: 'accountant' } });
  expect(issued.status).toBe(201);
  expect(issued.json).toMatchObject({ object: 'api_key', role: 'accountant' });
  expect(issued.json.tenantId).toBeUndefined();
  hubAccountant = issued.json.key;
});

afterAll(async () => {
  await api?.stop();
});

describe('who sees what', () => {
  let a: Tenant;
  let b: Tenant;
  let invoiceA: any;
  let invoiceB: any;
  let deliveryA: string;

  beforeAll(async () => {
    a = await newTenant('Épicerie A', { siren: '732 829 320', vatNumber: 'FR44732829320' });
    b = await newTenant('Ressourcerie B');
    deliveryA = (await deliver(a, 'A-1')).id;
    await deliver(b, 'B-1');
    const invoices = await bill(a, b);
    invoiceA = invoices.get(a.id);
    invoiceB = invoices.get(b.id);
  });

  it("refuses billing runs, payments, credit notes, statements, exports and the reconciliation to a tenant's bookkeeper", async () => {
    expectError(await api.call('POST', '/v1/billing/runs', { key: a.bookkeeper, body: { period } }), 403, 'forbidden');
    expectError(await pay(invoiceA.id, { amount: 100 }, a.bookkeeper), 403, 'forbidden');
    expectError(await api.call('POST', `/v1/billing/invoices/${invoiceA.id}/credit-notes`, { key: a.bookkeeper, body: { reason: 'x' } }), 403, 'forbidden');
    expectError(await api.call('POST', '/v1/billing/bank-statements', { key: a.bookkeeper, rawBody: camt053([], 'S-0'), headers: { 'content-type': 'application/xml' } }), 403, 'forbidden');
    expectError(await api.call('GET', `/v1/billing/export?period=${period}`, { key: a.bookkeeper }), 403, 'forbidden');
    expectError(await api.call('GET', `/v1/billing/reconciliation?period=${period}`, { key: a.key }), 403, 'forbidden');
  });

  it("answers 404 for another tenant's invoice to a tenant's keys, for reads and writes alike", async () => {
    for (const key of [a.key, a.bookkeeper]) {
      expectError(await api.call('GET', `/v1/billing/invoices/${invoiceB.id}`, { key }), 404, 'resource_missing');
      expectError(await pay(invoiceB.id, { amount: 100 }, key), 404, 'resource_missing');
      expectError(await api.call('POST', `/v1/billing/invoices/${invoiceB.id}/credit-notes`, { key, body: { reason: 'x' } }), 404, 'resource_missing');
      expectError(await api.call('GET', `/v1/billing/payments?invoiceId=${invoiceB.id}`, { key }), 404, 'resource_missing');
    }
  });

  it("lets a tenant's keys read their own invoices (JSON, PDF, XML), and the hub's accountant every tenant's", async () => {
    for (const key of [a.key, a.bookkeeper, hubAccountant]) {
      const own = await api.call('GET', `/v1/billing/invoices/${invoiceA.id}`, { key });
      expect(own.status).toBe(200);
      expect(own.json.buyer).toMatchObject({ siren: '732829320', vatNumber: 'FR44732829320' });
    }
    const listed = await api.call('GET', `/v1/billing/invoices?period=${period}&limit=100`, { key: a.bookkeeper });
    expect(listed.json.data.map((entry: any) => entry.tenantId)).toEqual([a.id]);
    // Without a period: every period, newest first, still the tenant's own only.
    const everyPeriod = await api.call('GET', '/v1/billing/invoices', { key: a.key });
    expect(everyPeriod.status).toBe(200);
    expect(everyPeriod.json.data.map((entry: any) => entry.id)).toEqual([invoiceA.id]);
    const hubWide = await api.call('GET', '/v1/billing/invoices?limit=1', { key: hubAccountant });
    expect(hubWide.json.data).toHaveLength(1);
    expect(hubWide.json.hasMore).toBe(true);
    const second = await api.call('GET', `/v1/billing/invoices?limit=1&cursor=${hubWide.json.nextCursor}`, { key: hubAccountant });
    expect(second.json.data[0].id).not.toBe(hubWide.json.data[0].id);
    expectError(await api.call('GET', `/v1/billing/invoices?period=${period}&tenantId=${b.id}`, { key: a.key }), 400, 'parameter_invalid');
    const hub = await api.call('GET', `/v1/billing/invoices?period=${period}&limit=100`, { key: hubAccountant });
    expect(hub.json.data.map((entry: any) => entry.id)).toEqual(expect.arrayContaining([invoiceA.id, invoiceB.id]));
    expectError(await api.call('GET', `/v1/billing/invoices?period=${period}`, { key: courier.key }), 403, 'forbidden');

    const xml = await api.call('GET', `/v1/billing/invoices/${invoiceA.id}`, { key: a.bookkeeper, headers: { accept: 'application/xml' } });
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toContain('application/xml');
    expect(xml.text).toContain(invoiceA.number);
    expect(xml.text).toContain('732829320');
    const pdf = await api.call('GET', `/v1/billing/invoices/${invoiceA.id}?format=pdf`, { key: a.key });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(new TextDecoder().decode(pdf.bytes.slice(0, 5))).toBe('%PDF-');
    expect(await extractFacturxXml(pdf.bytes)).toBe(xml.text);
    const csv = await api.call('GET', `/v1/billing/invoices/${invoiceA.id}`, { key: a.key, headers: { accept: 'text/csv' } });
    expect(csv.text).toContain(deliveryA);
  });

  it("withholds recipients' personal data from accountants' delivery reads, and keeps a bookkeeper to its tenant", async () => {
    const own = await api.call('GET', `/v1/deliveries/${deliveryA}`, { key: a.key });
    expect(JSON.stringify(own.json)).toContain(quoteBody().dropoff.contact.name);
    for (const key of [hubAccountant, a.bookkeeper]) {
      const read = await api.call('GET', `/v1/deliveries/${deliveryA}`, { key });
      expect(read.status).toBe(200);
      const text = JSON.stringify(read.json);
      for (const secret of [quoteBody().dropoff.contact.name, quoteBody().dropoff.address.line1, 'Camille Martin', own.json.tracking.token]) expect(text).not.toContain(secret);
      if (quoteBody().dropoff.contact.phone) expect(text).not.toContain(quoteBody().dropoff.contact.phone);
      expect(read.json.price).toEqual(own.json.price);
      expect(read.json.dropoff.address.city).toBe(own.json.dropoff.address.city);
      expect(read.json.timeline).toEqual(own.json.timeline);
    }
    const listed = await api.call('GET', '/v1/deliveries?limit=100', { key: a.bookkeeper });
    expect(listed.status).toBe(200);
    expect(new Set(listed.json.data.map((entry: any) => entry.tenantId))).toEqual(new Set([a.id]));
    expect(JSON.stringify(listed.json)).not.toContain(quoteBody().dropoff.contact.name);
    expectError(await api.call('GET', `/v1/deliveries?tenantId=${b.id}`, { key: a.bookkeeper }), 400, 'parameter_invalid');
  });
});

describe('payments without Stripe', () => {
  it('adds partial payments up to the total, then the invoice is paid; more than is owed is refused and nothing is written', async () => {
    const tenant = await newTenant('Payeur partiel');
    await deliver(tenant, 'P-1');
    await deliver(tenant, 'P-2');
    const issued = (await bill(tenant)).get(tenant.id);
    const total = issued.total.gross as number;
    expect(issued).toMatchObject({ status: 'open', paidAmount: 0, creditedAmount: 0, amountDue: total });

    const first = await pay(issued.id, { amount: 1000, method: 'cheque', reference: 'CHQ 0012345', date: parisDate(new Date()) });
    expect(first.status, first.text).toBe(201);
    expect(first.json).toMatchObject({ object: 'payment', invoiceId: issued.id, amount: 1000, method: 'cheque', source: 'manual', reference: 'CHQ 0012345' });
    expect(first.json.id).toMatch(/^pay_/);
    expect(await invoice(issued.id)).toMatchObject({ status: 'open', paidAmount: 1000, amountDue: total - 1000 });

    const over = expectError(await pay(issued.id, { amount: total - 1000 + 1 }), 422, 'amount_too_large');
    expect(over.param).toBe('amount');
    for (const amount of [0, -5, 12.5, '100', null]) expectError(await pay(issued.id, { amount }), 400, 'parameter_invalid');
    expectError(await pay(issued.id, { amount: 100, date: '2999-01-01' }), 400, 'parameter_invalid');
    expectError(await pay(issued.id, { amount: 100, method: 'bitcoin' }), 400, 'parameter_invalid');
    expectError(await pay('inv_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', { amount: 100 }), 404, 'resource_missing');
    expect(await invoice(issued.id)).toMatchObject({ paidAmount: 1000 });

    // Idempotent: the same key replays the first answer, one payment.
    const rest = { amount: total - 1000, method: 'transfer', reference: 'VIR 42' };
    const second = await api.call('POST', `/v1/billing/invoices/${issued.id}/payments`, { key: hubAccountant, body: rest, headers: { 'idempotency-key': 'rest-of-it' } });
    const replay = await api.call('POST', `/v1/billing/invoices/${issued.id}/payments`, { key: hubAccountant, body: rest, headers: { 'idempotency-key': 'rest-of-it' } });
    expect(second.status).toBe(201);
    expect(replay.json.id).toBe(second.json.id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const paid = await invoice(issued.id);
    expect(paid).toMatchObject({ status: 'paid', paidAmount: total, amountDue: 0, overdue: false });
    expect(paid.paidAt).not.toBeNull();
    const payments = await api.call('GET', `/v1/billing/payments?invoiceId=${issued.id}`, { key: tenant.bookkeeper });
    expect(payments.json.data.map((payment: any) => payment.amount).sort()).toEqual([1000, total - 1000].sort());
    expectError(await pay(issued.id, { amount: 1 }), 422, 'amount_too_large');
  });

  it('records concurrent payments without losing or exceeding any', async () => {
    const tenant = await newTenant('Payeur pressé');
    await deliver(tenant, 'C-1');
    const issued = (await bill(tenant)).get(tenant.id);
    const total = issued.total.gross as number;
    const share = Math.floor(total / 4);
    const answers = await Promise.all(Array.from({ length: 6 }, () => pay(issued.id, { amount: share })));
    const accepted = answers.filter((answer) => answer.status === 201).length;
    expect(accepted).toBe(4);
    for (const answer of answers) if (answer.status !== 201) expect(answer.json.error.code).toBe('amount_too_large');
    expect((await invoice(issued.id)).paidAmount).toBe(4 * share);
  });
});

describe('credit notes', () => {
  it('credits some lines, then the rest, in a gapless series of their own, and the invoice ends paid', async () => {
    const tenant = await newTenant('Crédité');
    const one = await deliver(tenant, 'N-1');
    await deliver(tenant, 'N-2');
    const issued = (await bill(tenant)).get(tenant.id);
    const lineOne = issued.lines.find((line: any) => line.deliveryId === one.id);

    const partial = await api.call('POST', `/v1/billing/invoices/${issued.id}/credit-notes`, { key: hubAccountant, body: { reason: 'Colis abîmé', lines: [{ lineId: lineOne.id, amount: 100 }] } });
    expect(partial.status, partial.text).toBe(201);
    expect(partial.json).toMatchObject({ object: 'credit_note', invoiceId: issued.id, invoiceNumber: issued.number, reason: 'Colis abîmé' });
    expect(partial.json.number).toMatch(new RegExp(`^A${period.slice(0, 4)}-\\d{6}$`));
    expect(partial.json.total.gross).toBe(100);
    expect(partial.json.total.net + partial.json.total.vat).toBe(100);
    expect(await invoice(issued.id)).toMatchObject({ status: 'open', creditedAmount: 100, amountDue: issued.total.gross - 100 });

    const tooMuch = expectError(await api.call('POST', `/v1/billing/invoices/${issued.id}/credit-notes`, { key: hubAccountant, body: { reason: 'x', lines: [{ lineId: lineOne.id, amount: lineOne.gross }] } }), 422, 'amount_too_large');
    expect(tooMuch.param).toBe('lines.0.amount');
    expectError(await api.call('POST', `/v1/billing/invoices/${issued.id}/credit-notes`, { key: hubAccountant, body: { reason: 'x', lines: [{ lineId: 'nope:delivery' }] } }), 400, 'parameter_invalid');
    expectError(await api.call('POST', `/v1/billing/invoices/${issued.id}/credit-notes`, { key: hubAccountant, body: { lines: [{ lineId: lineOne.id }] } }), 400, 'parameter_missing');

    const rest = await api.call('POST', `/v1/billing/invoices/${issued.id}/credit-notes`, { key: hubAccountant, body: { reason: 'Geste commercial' } });
    expect(rest.status).toBe(201);
    expect(rest.json.total.gross).toBe(issued.total.gross - 100);
    const [series, first] = partial.json.number.split('-');
    expect(rest.json.number).toBe(`${series}-${String(Number(first) + 1).padStart(6, '0')}`);
    expect(await invoice(issued.id)).toMatchObject({ status: 'paid', creditedAmount: issued.total.gross, amountDue: 0 });
    expectError(await api.call('POST', `/v1/billing/invoices/${issued.id}/credit-notes`, { key: hubAccountant, body: { reason: 'again' } }), 422, 'amount_too_large');

    const listed = await api.call('GET', `/v1/billing/credit-notes?invoiceId=${issued.id}`, { key: tenant.key });
    expect(listed.json.data.map((note: any) => note.number).sort()).toEqual([partial.json.number, rest.json.number].sort());
    const xml = await api.call('GET', `/v1/billing/credit-notes/${rest.json.id}`, { key: tenant.bookkeeper, headers: { accept: 'application/xml' } });
    expect(xml.text).toContain('381');
    expect(xml.text).toContain(issued.number);
    const pdf = await api.call('GET', `/v1/billing/credit-notes/${rest.json.id}?format=pdf`, { key: hubAccountant });
    expect(await extractFacturxXml(pdf.bytes)).toBe(xml.text);
  });
});

describe('bank statements', () => {
  it('turns exact credits into payments, lists the rest, and changes nothing when imported again', async () => {
    const exact = await newTenant('Vire juste');
    const wrong = await newTenant('Vire faux');
    await deliver(exact, 'S-1');
    await deliver(wrong, 'S-2');
    const issued = await bill(exact, wrong);
    const good = issued.get(exact.id);
    const off = issued.get(wrong.id);
    const statementId = `STMT-${Date.now()}`;
    const file = camt053(
      [
        { amount: good.total.gross, text: `REGLEMENT FACTURE ${good.number.replace('-', ' ')} MERCI`, ref: `R1-${statementId}` },
        { amount: off.total.gross - 1, text: `FACT ${off.number}`, ref: `R2-${statementId}` },
        { amount: 4200, text: 'DON ANONYME', ref: `R3-${statementId}` },
      ],
      statementId,
    );
    const imported = await api.call('POST', '/v1/billing/bank-statements', { key: hubAccountant, rawBody: file, headers: { 'content-type': 'application/xml' } });
    expect(imported.status, imported.text).toBe(201);
    expect(imported.json).toMatchObject({ object: 'bank_statement_import', format: 'camt.053', lineCount: 3, newLines: 3, matched: 1, unmatched: 2 });
    expect(await invoice(good.id)).toMatchObject({ status: 'paid', paidAmount: good.total.gross });
    const payments = (await api.call('GET', `/v1/billing/payments?invoiceId=${good.id}`, { key: hubAccountant })).json.data;
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ source: 'bank_statement', method: 'transfer' });

    const again = await api.call('POST', '/v1/billing/bank-statements', { key: hubAccountant, rawBody: file, headers: { 'content-type': 'application/xml' } });
    expect(again.json).toMatchObject({ newLines: 0, matched: 0, unmatched: 2 });
    expect((await api.call('GET', `/v1/billing/payments?invoiceId=${good.id}`, { key: hubAccountant })).json.data).toHaveLength(1);

    const unmatched = (await api.call('GET', '/v1/billing/bank-statements/lines?limit=100', { key: hubAccountant })).json.data;
    const offLine = unmatched.find((line: any) => line.amount === off.total.gross - 1);
    expect(offLine).toMatchObject({ status: 'unmatched', reason: 'amount_differs', candidates: [off.number] });
    // A person matches it by hand: the line's amount, or nothing.
    expectError(await pay(off.id, { statementLineId: offLine.id, amount: 5 }), 400, 'parameter_invalid');
    const byHand = await pay(off.id, { statementLineId: offLine.id });
    expect(byHand.status, byHand.text).toBe(201);
    expect(byHand.json).toMatchObject({ amount: off.total.gross - 1, source: 'bank_statement', statementLineId: offLine.id });
    expect(await invoice(off.id)).toMatchObject({ status: 'open', amountDue: 1 });
    expectError(await pay(off.id, { statementLineId: offLine.id }), 409, 'invalid_transition');
    expect((await api.call('GET', '/v1/billing/bank-statements/lines?limit=100', { key: hubAccountant })).json.data.map((line: any) => line.id)).not.toContain(offLine.id);
  });

  it('refuses a malformed, a foreign and a non-camt.053 file with a clear 4xx, writing nothing', async () => {
    const post = (rawBody: string, contentType = 'application/xml') => api.call('POST', '/v1/billing/bank-statements', { key: hubAccountant, rawBody, headers: { 'content-type': contentType } });
    expectError(await post('<Document><BkToCstmrStmt>'), 400, 'statement_malformed');
    expectError(await post(camt053([{ amount: 1000, text: 'x', ref: 'USD-1', currency: 'USD' }], 'S-USD')), 422, 'currency_not_supported');
    expectError(await post('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>'), 400, 'statement_unsupported');
    expectError(await post('not;a;statement\n1;2;3', 'text/csv'), 400, 'statement_malformed');
    const lines = (await api.call('GET', '/v1/billing/bank-statements/lines?statementId=S-USD', { key: hubAccountant })).json.data;
    expect(lines).toEqual([]);
  });

  it('reads a French bank CSV', async () => {
    const tenant = await newTenant('Vire CSV');
    await deliver(tenant, 'V-1');
    const issued = (await bill(tenant)).get(tenant.id);
    const [day, month, year] = parisDate(new Date()).split('-').reverse();
    const csv = `\uFEFFDate;Libellé;Débit;Crédit\r\n${day}/${month}/${year};VIR SEPA ${issued.number};;${euros(issued.total.gross).replace('.', ',')}\r\n`;
    const imported = await api.call('POST', '/v1/billing/bank-statements', { key: hubAccountant, rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.status, imported.text).toBe(201);
    expect(imported.json).toMatchObject({ format: 'csv', matched: 1 });
    expect((await invoice(issued.id)).status).toBe('paid');
  });
});

describe('the invoice reaches the customer, and unpaid ones are followed up', () => {
  it("e-mails the tenant's billing address an expiring link to its Factur-X PDF", async () => {
    const tenant = await newTenant('Destinataire', { billingEmail: 'compta@destinataire.example' });
    await deliver(tenant, 'M-1');
    const issued = (await bill(tenant)).get(tenant.id);
    await api.runtime.settle();
    const mails = (await api.call('GET', `/v1/hub/notifications?tenantId=${tenant.id}&limit=100`)).json.data.filter((mail: any) => mail.invoiceId === issued.id);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: 'compta@destinataire.example', eventType: 'invoice.issued' });
    expect(mails[0].subject).toContain(issued.number);
    const url = /https?:\/\/\S+\/v1\/billing\/documents\/([A-Za-z0-9_-]{43})/.exec(mails[0].text);
    expect(url).not.toBeNull();
    const pdf = await api.call('GET', `/v1/billing/documents/${url?.[1]}`, { key: null });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(await extractFacturxXml(pdf.bytes)).toContain(issued.number);
    expectError(await api.call('GET', `/v1/billing/documents/${'A'.repeat(43)}`, { key: null }), 404, 'resource_missing');
    expectError(await api.call('GET', '/v1/billing/documents/short', { key: null }), 404, 'resource_missing');
  });

  it('reminds at due + 7 and due + 21 days, once per step, and lists the invoice as overdue', async () => {
    const tenant = await newTenant('Retardataire');
    await deliver(tenant, 'R-1');
    const issued = (await bill(tenant)).get(tenant.id);
    // Time passes: the invoice was due 10 days ago.
    const record = (await billingRepository.getInvoice(tenant.id, issued.id))!;
    const dueDate = addDays(parisDate(new Date()), -10);
    const moved = { ...record, dueDate };
    await writeOne(invoiceEntity.update(record, changes({ set: { dueDate, ...invoiceStateIndexes(moved).set } })), () => new Error('gone'));

    const overdue = await api.call('GET', '/v1/billing/invoices?status=overdue&limit=100', { key: hubAccountant });
    expect(overdue.status, overdue.text).toBe(200);
    expect(overdue.json.data.find((entry: any) => entry.id === issued.id)).toMatchObject({ overdue: true, status: 'open' });
    const own = await api.call('GET', '/v1/billing/invoices?status=overdue', { key: tenant.key });
    expect(own.json.data.map((entry: any) => entry.id)).toEqual([issued.id]);

    const today = new Date();
    const first = await sendDueReminders(today);
    expect(first.reminded).toContainEqual({ invoiceId: issued.id, step: 'first' });
    const repeat = await Promise.all([sendDueReminders(today), sendDueReminders(today)]);
    for (const run of repeat) expect(run.reminded.map((entry) => entry.invoiceId)).not.toContain(issued.id);
    const later = new Date(today.getTime() + 12 * 86_400_000);
    expect((await sendDueReminders(later)).reminded).toContainEqual({ invoiceId: issued.id, step: 'second' });
    expect((await sendDueReminders(later)).reminded.map((entry) => entry.invoiceId)).not.toContain(issued.id);
    await api.runtime.settle();
    const mails = (await api.call('GET', `/v1/hub/notifications?tenantId=${tenant.id}&limit=100`)).json.data.filter((mail: any) => mail.eventType === 'invoice.reminder_due');
    expect(mails).toHaveLength(2);
    expect(mails.map((mail: any) => mail.subject).join('\n')).toContain('Relance');
    expect(mails.map((mail: any) => mail.text).join('\n')).toContain('40 €');
    expect((await invoice(issued.id)).remindersSent).toEqual(['first', 'second']);

    // Paid: no longer overdue, no longer listed.
    await pay(issued.id, { amount: issued.total.gross });
    const after = await api.call('GET', '/v1/billing/invoices?status=overdue&limit=100', { key: hubAccountant });
    expect(after.json.data.map((entry: any) => entry.id)).not.toContain(issued.id);
  });
});

describe('the books', () => {
  it('balance every FEC entry, letter a settled invoice with its payments and credit notes, and reconcile to the cent', async () => {
    const tenant = await newTenant('Comptable');
    await deliver(tenant, 'F-1');
    await deliver(tenant, 'F-2');
    const issued = (await bill(tenant)).get(tenant.id);
    const credit = await api.call('POST', `/v1/billing/invoices/${issued.id}/credit-notes`, { key: hubAccountant, body: { reason: 'Retard', lines: [{ lineId: issued.lines[0].id, amount: 200 }] } });
    expect(credit.status).toBe(201);
    await pay(issued.id, { amount: 500, method: 'cash' });
    await pay(issued.id, { amount: issued.total.gross - 700, method: 'transfer' });

    const exported = await api.call('GET', `/v1/billing/export?period=${period}&format=fec`, { key: hubAccountant });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toMatch(/filename="\d{9}FEC\d{8}\.txt"/);
    // ISO 8859-15, as article A47 A-1 allows: `é` is one byte, 0xE9; no UTF-8 sequence anywhere.
    expect(exported.headers.get('content-type')).toBe('text/plain; charset=iso-8859-15');
    const latin9 = new TextDecoder('iso-8859-15').decode(exported.bytes);
    expect(latin9).toContain('TVA collectée');
    expect(exported.bytes.includes(0xc3)).toBe(false);
    const [header, ...rows] = latin9.split('\r\n').filter(Boolean).map((row) => row.split('\t'));
    expect(header).toEqual([...FEC_COLUMNS]);
    const cents = (value: string) => Math.round(Number(value.replace(',', '.')) * 100);
    const entries = new Map<string, { debit: number; credit: number }>();
    for (const row of rows) {
      expect(row).toHaveLength(18);
      expect(row[3]).toMatch(/^\d{8}$/);
      expect(row[11]).toMatch(/^-?\d+,\d{2}$/);
      const key = `${row[0]}|${row[2]}`;
      const entry = entries.get(key) ?? { debit: 0, credit: 0 };
      entry.debit += cents(row[11] as string);
      entry.credit += cents(row[12] as string);
      entries.set(key, entry);
    }
    for (const [key, entry] of entries) expect(entry.debit, key).toBe(entry.credit);
    const dates = rows.map((row) => row[3] as string);
    expect([...dates].sort()).toEqual(dates);
    const customerLines = rows.filter((row) => row[4] === '411' && row[6] === tenant.id);
    // The invoice, its credit note and its two payments, all lettered with one code.
    expect(customerLines).toHaveLength(4);
    const codes = new Set(customerLines.map((row) => row[13]));
    expect(codes.size).toBe(1);
    expect([...codes][0]).toMatch(/^[0-9A-Z]+$/);
    expect(customerLines.every((row) => /^\d{8}$/.test(row[14] as string))).toBe(true);
    const customerBalance = customerLines.reduce((sum, row) => sum + cents(row[11] as string) - cents(row[12] as string), 0);
    expect(customerBalance).toBe(0);
    expect(rows.some((row) => row[0] === 'BQ' && row[4] === '512')).toBe(true);

    const reconciliation = await api.call('GET', `/v1/billing/reconciliation?period=${period}`, { key: hubAccountant });
    const row = reconciliation.json.tenants.find((entry: any) => entry.tenantId === tenant.id);
    expect(row).toMatchObject({ invoicedAmount: issued.total.gross, creditedAmount: 200, paidAmount: issued.total.gross - 200, outstandingAmount: 0, creditNoteCount: 1, discrepancies: [] });
    // Hub-wide lists need no filter: every month, newest first.
    const allPayments = await api.call('GET', '/v1/billing/payments?limit=100', { key: hubAccountant });
    expect(allPayments.json.data.filter((payment: any) => payment.invoiceId === issued.id)).toHaveLength(2);
    const allNotes = await api.call('GET', '/v1/billing/credit-notes?limit=100', { key: hubAccountant });
    expect(allNotes.json.data.map((note: any) => note.id)).toContain(credit.json.id);
    const csv = await api.call('GET', `/v1/billing/reconciliation?period=${period}`, { key: hubAccountant, headers: { accept: 'text/csv' } });
    expect(csv.text.split('\r\n')[0]).toContain('Montant des avoirs (€)');
  });
});
