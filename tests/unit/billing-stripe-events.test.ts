import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emptyStripeSync } from '../../shared/billing/invoice-provider.js';
import type { InvoiceRecord } from '../../shared/billing/schemas.js';
import { verifyStripeWebhook } from '../../shared/billing/stripe-adapter.js';
import { handledStripeEvents, stripeEventChange, type StripeInvoiceEvent } from '../../shared/billing/stripe-events.js';
import { AppError } from '../../shared/errors.js';

const base: InvoiceRecord = {
  id: 'inv_01JDQ6V7M5B8XK2ZQ3W4E5R6T7',
  object: 'invoice',
  number: 'F2026-000001',
  tenantId: 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7',
  period: '2026-03',
  runId: 'run_01JDQ6V7M5B8XK2ZQ3W4E5R6T7',
  status: 'open',
  provider: 'stripe',
  total: { currency: 'EUR', net: 1000, vat: 200, gross: 1200 },
  vatBreakdown: [],
  lineCount: 1,
  issuedAt: '2026-04-01T00:00:00.000Z',
  dueDate: '2026-05-01',
  paidAt: null,
  voidedAt: null,
  seller: null,
  buyer: null,
  stripe: emptyStripeSync(),
  createdAt: '2026-04-01T00:00:00.000Z',
  updatedAt: '2026-04-01T00:00:00.000Z',
};

const stripeStatus: Record<string, string> = { 'invoice.finalized': 'open', 'invoice.paid': 'paid', 'invoice.payment_failed': 'open', 'invoice.voided': 'void', 'invoice.marked_uncollectible': 'uncollectible' };
const event = (type: StripeInvoiceEvent['type'], created: number, id = `evt_${type}_${created}`): StripeInvoiceEvent => ({
  id,
  type,
  created,
  invoice: { id: 'in_1', status: stripeStatus[type], total: 1200, amount_due: 1200, amount_paid: type === 'invoice.paid' ? 1200 : 0, number: 'F2026-000001' },
});

/** Applies a change the way the repository does: attribute paths set on the record. */
function apply(invoice: InvoiceRecord, change: ReturnType<typeof stripeEventChange>): InvoiceRecord {
  if (!change) return invoice;
  const next = { ...invoice, stripe: { ...(invoice.stripe as NonNullable<InvoiceRecord['stripe']>) } } as Record<string, unknown>;
  for (const [path, value] of Object.entries(change.set)) {
    const [head, field] = path.split('.') as [string, string | undefined];
    if (field === undefined) next[head] = value;
    else (next[head] as Record<string, unknown>)[field] = value;
  }
  return next as InvoiceRecord;
}

describe('Stripe invoice events on our invoice', () => {
  it('moves open → paid with the payment time, and a late finalized never reopens it', () => {
    const paid = apply(base, stripeEventChange(base, event('invoice.paid', 200)));
    expect(paid).toMatchObject({ status: 'paid', paidAt: new Date(200_000).toISOString(), stripe: { status: 'paid', amountPaid: 1200, lastEventCreated: 200 } });
    const late = stripeEventChange(paid, event('invoice.finalized', 100));
    expect(late).toBeUndefined();
    const sameSecond = apply(paid, stripeEventChange(paid, event('invoice.finalized', 200)));
    expect(sameSecond).toMatchObject({ status: 'paid', stripe: { status: 'paid', amountPaid: 1200 } });
  });

  it('never moves a paid or void invoice, whatever the order of events (property)', () => {
    const anyEvent = fc.record({ type: fc.constantFrom(...handledStripeEvents), created: fc.integer({ min: 1, max: 1000 }) }).map(({ type, created }) => event(type, created));
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 12 }), (events) => {
        let invoice = base;
        let final: string | undefined;
        for (const next of events) {
          invoice = apply(invoice, stripeEventChange(invoice, next));
          if (final) expect(invoice.status).toBe(final);
          if (invoice.status === 'paid' || invoice.status === 'void') final = invoice.status;
        }
        const firstFinal = events.find((next) => next.type === 'invoice.paid' || next.type === 'invoice.voided');
        if (firstFinal) expect(invoice.status).toBe(firstFinal.type === 'invoice.paid' ? 'paid' : 'void');
        // The snapshot is the newest event's (ties go to the one further along).
        if (events.length > 0) expect(invoice.stripe?.lastEventCreated).toBe(Math.max(...events.map((next) => next.created)));
      }),
      { numRuns: 500 },
    );
  });

  it('records a failed payment without changing the status, and lets an uncollectible invoice be paid', () => {
    const failed = apply(base, stripeEventChange(base, event('invoice.payment_failed', 50)));
    expect(failed).toMatchObject({ status: 'open', stripe: { paymentFailedAt: new Date(50_000).toISOString() } });
    const uncollectible = apply(failed, stripeEventChange(failed, event('invoice.marked_uncollectible', 60)));
    expect(uncollectible.status).toBe('uncollectible');
    expect(apply(uncollectible, stripeEventChange(uncollectible, event('invoice.paid', 70))).status).toBe('paid');
  });

  it('ignores events for a ledger invoice', () => {
    expect(stripeEventChange({ ...base, provider: 'ledger', stripe: null }, event('invoice.paid', 1))).toBeUndefined();
  });
});

describe('Stripe webhook signatures', () => {
  const secret = 'whsec_test_secret';
  const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'invoice.paid', created: 1, data: { object: { id: 'in_1', object: 'invoice' } } });

  it('accepts a payload signed with the secret, checked over the exact bytes', () => {
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    expect(verifyStripeWebhook(payload, header, secret).id).toBe('evt_1');
  });

  it.each([
    ['a forged signature', (header: string) => header.replace(/v1=[0-9a-f]+/, `v1=${'0'.repeat(64)}`), payload],
    ['a body changed after signing', (header: string) => header, payload.replace('in_1', 'in_2')],
    ['a signature made with another secret', () => Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' }), payload],
    ['an old timestamp (replay)', () => Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(Date.now() / 1000) - 3600 }), payload],
  ])('refuses %s with invalid_signature', (_name, tamper, body) => {
    const header = tamper(Stripe.webhooks.generateTestHeaderString({ payload, secret }));
    const attempt = () => verifyStripeWebhook(body, header, secret);
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
  });

  it('refuses everything when no secret is configured, or no header is sent', () => {
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    expect(() => verifyStripeWebhook(payload, header, undefined)).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
    expect(() => verifyStripeWebhook(payload, undefined, secret)).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
  });
});
