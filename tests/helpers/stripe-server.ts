import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake Stripe received, as the SDK sent it (form-encoded body, decoded). */
export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  idempotencyKey: string | undefined;
  /** The form fields as sent: `metadata[deliveryId]` → `dlv_…`. */
  form: Record<string, string>;
  replayed: boolean;
}

type StripeObject = Record<string, unknown> & { id: string };

/**
 * A small Stripe-compatible HTTP server for tests: customers, tax rates, invoices and invoice
 * items, with Stripe's idempotency (same key → same answer, replayed) and its invoice lifecycle
 * (draft → finalize → open, send). It records every call so tests can check keys and amounts.
 * Tax: per line, round-half-up(amount × percentage / 100), as the ledger computes VAT.
 */
export async function startStripeServer() {
  const calls: RecordedCall[] = [];
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const objects = {
    customers: new Map<string, StripeObject>(),
    tax_rates: new Map<string, StripeObject>(),
    invoices: new Map<string, StripeObject>(),
    invoiceitems: new Map<string, StripeObject>(),
    credit_notes: new Map<string, StripeObject>(),
  };
  const sent: string[] = [];
  let sequence = 0;
  const nextId = (prefix: string) => `${prefix}_test${String((sequence += 1)).padStart(8, '0')}`;
  const failures: Array<{ match: (call: RecordedCall) => boolean; remaining: number; status: number }> = [];

  const nested = (form: Record<string, string>, prefix: string): Record<string, string> =>
    Object.fromEntries(
      Object.entries(form)
        .filter(([key]) => key.startsWith(`${prefix}[`))
        .map(([key, value]) => [key.slice(prefix.length + 1, -1), value]),
    );
  const list = (data: StripeObject[], url: string) => ({ object: 'list', data, has_more: false, url });

  const invoiceTotal = (invoice: StripeObject) => {
    const items = [...objects.invoiceitems.values()].filter((item) => item.invoice === invoice.id);
    let total = 0;
    for (const item of items) {
      const amount = item.amount as number;
      const rates = (item.tax_rates as string[]).map((id) => objects.tax_rates.get(id)?.percentage as number);
      total += amount + rates.reduce((tax, percentage) => tax + Math.floor((amount * Math.round(percentage * 100) + 5000) / 10_000), 0);
    }
    return total;
  };

  function handle(call: RecordedCall): { status: number; body: unknown } {
    const { method, path, form, query } = call;
    const segments = path.split('/').filter(Boolean); // ['v1', 'invoices', 'in_…', 'finalize']
    const [, resource, id, action] = segments;
    const notFound = { status: 404, body: { error: { type: 'invalid_request_error', message: `No such object: '${id}'` } } };
    if (resource === 'customers' && method === 'POST' && !id) {
      const customer = { id: nextId('cus'), object: 'customer', name: form.name, email: form.email, metadata: nested(form, 'metadata') };
      objects.customers.set(customer.id, customer);
      return { status: 200, body: customer };
    }
    if (resource === 'tax_rates' && method === 'POST' && !id) {
      const rate = { id: nextId('txr'), object: 'tax_rate', percentage: Number(form.percentage), inclusive: form.inclusive === 'true', display_name: form.display_name, metadata: nested(form, 'metadata') };
      objects.tax_rates.set(rate.id, rate);
      return { status: 200, body: rate };
    }
    if (resource === 'invoices' && method === 'POST' && !id) {
      const invoice: StripeObject = {
        id: nextId('in'),
        object: 'invoice',
        customer: form.customer,
        status: 'draft',
        number: form.number ?? null,
        collection_method: form.collection_method,
        days_until_due: Number(form.days_until_due),
        currency: form.currency,
        metadata: nested(form, 'metadata'),
        total: 0,
        amount_due: 0,
        amount_paid: 0,
        hosted_invoice_url: null,
        created: Math.floor(Date.now() / 1000),
      };
      objects.invoices.set(invoice.id, invoice);
      return { status: 200, body: invoice };
    }
    if (resource === 'invoices' && method === 'GET' && !id) {
      return { status: 200, body: list([...objects.invoices.values()].filter((invoice) => !query.customer || invoice.customer === query.customer).reverse(), '/v1/invoices') };
    }
    if (resource === 'invoices' && id) {
      const invoice = objects.invoices.get(id);
      if (!invoice) return notFound;
      if (method === 'GET' && !action) return { status: 200, body: invoice };
      if (method === 'POST' && action === 'finalize') {
        if (invoice.status !== 'draft') return { status: 400, body: { error: { type: 'invalid_request_error', message: 'This invoice is already finalized.' } } };
        const total = invoiceTotal(invoice);
        Object.assign(invoice, { status: 'open', total, amount_due: total, hosted_invoice_url: `https://invoice.stripe.test/${invoice.id}`, number: invoice.number ?? `STRIPE-${invoice.id}` });
        return { status: 200, body: invoice };
      }
      if (method === 'POST' && action === 'send') {
        sent.push(invoice.id);
        return { status: 200, body: invoice };
      }
      if (method === 'POST' && action === 'pay') {
        if (invoice.status !== 'open') return { status: 400, body: { error: { type: 'invalid_request_error', message: 'Invoice is not open.' } } };
        Object.assign(invoice, { status: 'paid', amount_paid: form.paid_out_of_band === 'true' ? 0 : invoice.amount_due, amount_due: 0, paid_out_of_band: form.paid_out_of_band === 'true' });
        return { status: 200, body: invoice };
      }
    }
    if (resource === 'credit_notes' && method === 'POST' && !id) {
      const invoice = objects.invoices.get(form.invoice ?? '');
      if (!invoice || invoice.status === 'draft') return { status: 400, body: { error: { type: 'invalid_request_error', message: 'Credit notes need a finalized invoice.' } } };
      // lines[0][unit_amount], lines[0][tax_rates][0]…: per line, its amount and its tax.
      const lines = new Map<string, Record<string, string>>();
      for (const [key, value] of Object.entries(form)) {
        const match = /^lines\[(\d+)\]\[(\w+)\](?:\[(\d+)\])?$/.exec(key);
        if (!match) continue;
        const line = lines.get(match[1] as string) ?? {};
        line[match[3] === undefined ? (match[2] as string) : `${match[2]}.${match[3]}`] = value;
        lines.set(match[1] as string, line);
      }
      let total = 0;
      for (const line of lines.values()) {
        const amount = Number(line.unit_amount) * Number(line.quantity ?? 1);
        const rates = Object.entries(line).filter(([key]) => key.startsWith('tax_rates.')).map(([, rateId]) => objects.tax_rates.get(rateId)?.percentage as number);
        total += amount + rates.reduce((tax, percentage) => tax + Math.floor((amount * Math.round(percentage * 100) + 5000) / 10_000), 0);
      }
      const note = { id: nextId('cn'), object: 'credit_note', invoice: invoice.id, total, memo: form.memo, out_of_band_amount: form.out_of_band_amount ? Number(form.out_of_band_amount) : null, metadata: nested(form, 'metadata'), lines: [...lines.values()] };
      objects.credit_notes.set(note.id, note);
      if (invoice.status === 'open') Object.assign(invoice, { amount_due: Math.max(0, (invoice.amount_due as number) - total) });
      return { status: 200, body: note };
    }
    if (resource === 'invoiceitems' && method === 'POST' && !id) {
      const invoice = objects.invoices.get(form.invoice ?? '');
      if (!invoice || invoice.status !== 'draft') return { status: 400, body: { error: { type: 'invalid_request_error', message: 'Invoice is not a draft.' } } };
      const taxRates = Object.entries(form)
        .filter(([key]) => key.startsWith('tax_rates['))
        .map(([, value]) => value);
      const item = { id: nextId('ii'), object: 'invoiceitem', invoice: invoice.id, customer: form.customer, amount: Number(form.amount), currency: form.currency, description: form.description, tax_rates: taxRates, metadata: nested(form, 'metadata') };
      objects.invoiceitems.set(item.id, item);
      return { status: 200, body: item };
    }
    if (resource === 'invoiceitems' && method === 'GET' && !id) {
      return { status: 200, body: list([...objects.invoiceitems.values()].filter((item) => !query.invoice || item.invoice === query.invoice), '/v1/invoiceitems') };
    }
    return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } } };
  }

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://stripe.test');
      const text = Buffer.concat(chunks).toString('utf8');
      const form = Object.fromEntries(new URLSearchParams(text));
      const key = request.headers['idempotency-key'] as string | undefined;
      const call: RecordedCall = { method: request.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), idempotencyKey: key, form, replayed: false };
      calls.push(call);
      const failure = failures.find((candidate) => candidate.remaining > 0 && candidate.match(call));
      let answer: { status: number; body: unknown };
      const scoped = key === undefined ? undefined : `${call.method} ${key}`;
      if (failure) {
        failure.remaining -= 1;
        answer = { status: failure.status, body: { error: { type: failure.status >= 500 ? 'api_error' : 'invalid_request_error', message: 'Injected failure' } } };
      } else if (scoped !== undefined && idempotent.has(scoped)) {
        call.replayed = true;
        answer = idempotent.get(scoped) as { status: number; body: unknown };
      } else {
        answer = handle(call);
        if (scoped !== undefined && call.method === 'POST') idempotent.set(scoped, structuredClone(answer));
      }
      response.writeHead(answer.status, {
        'content-type': 'application/json',
        'request-id': `req_${sequence}`,
        ...(call.replayed ? { 'idempotent-replayed': 'true' } : {}),
        ...(failure ? { 'stripe-should-retry': 'false' } : {}),
      });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    objects,
    sent,
    /** The next `times` calls that match answer `status` (a Stripe outage or refusal). */
    fail(match: (call: RecordedCall) => boolean, times = 1, status = 500) {
      failures.push({ match, remaining: times, status });
    },
    /** Stripe keeps idempotency keys 24 h at least: this is the day after. */
    forgetIdempotencyKeys() {
      idempotent.clear();
    },
    reset() {
      calls.length = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type StripeServer = Awaited<ReturnType<typeof startStripeServer>>;
