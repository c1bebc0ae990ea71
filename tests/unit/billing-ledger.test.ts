import { describe, expect, it } from 'vitest';
import { billableLinesFor, type BillableLine } from '../../shared/billing/ledger.js';
import { reconcileTenant } from '../../shared/billing/reconciliation.js';
import { billingSchedule } from '../../shared/billing/schedule.js';
import type { InvoiceRecord } from '../../shared/billing/schemas.js';
import { emptyStripeSync } from '../../shared/billing/invoice-provider.js';
import { invoiceIdFor } from '../../shared/billing/service.js';
import type { Delivery } from '../../shared/deliveries/schemas.js';
import { allEvents } from '../../shared/app/events.js';
import { matchesEventPattern } from '../../shared/events/pattern.js';
import { eventRules } from '../../shared/app/rules.js';
import { webhookEventTypes } from '../../shared/webhooks/rules.js';
import { isId } from '../../shared/ids.js';

const address = (city: string) => ({ line1: '1 rue', postcode: '42000', city, country: 'FR' as const, lat: 45.4, lng: 4.3 });
function delivery(overrides: Partial<Delivery> = {}): Delivery {
  return {
    id: 'dlv_01JDQ6V7M5B8XK2ZQ3W4E5R6T7',
    object: 'delivery',
    tenantId: 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7',
    kind: 'delivery',
    status: 'delivered',
    reference: 'CMD-42',
    quoteId: null,
    slot: null,
    pickup: { address: address('Saint-Étienne') },
    dropoff: { address: address('Firminy'), contact: { name: 'C' } },
    parcels: [{ weightKg: 2 }],
    service: 'standard',
    price: { currency: 'EUR', net: 1099, vat: 220, gross: 1319 },
    lines: [],
    distanceMeters: 9000,
    tracking: { token: 't', url: 'u' },
    courierId: 'cou_01JDQ6V7M5B8XK2ZQ3W4E5R6T7',
    timeline: [
      { status: 'booked', at: '2026-03-31T20:00:00.000Z' },
      { status: 'delivered', at: '2026-03-31T22:30:00.000Z' },
    ],
    lastPosition: null,
    failure: null,
    attempt: 1,
    returnToSender: false,
    serviceDate: '2026-11-26',
    proof: null,
    failureReason: null,
    cancellation: null,
    createdAt: '2026-03-31T20:00:00.000Z',
    updatedAt: '2026-03-31T22:30:00.000Z',
    version: 4,
    ...overrides,
  };
}

describe('billable lines from delivery events', () => {
  it('bills a delivered delivery at its price, in the Paris month it was delivered', () => {
    const [line, ...rest] = billableLinesFor('delivery.delivered', delivery(), 'evt_1', new Date('2026-04-01T00:00:00Z'), 2000);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      id: 'dlv_01JDQ6V7M5B8XK2ZQ3W4E5R6T7:delivery',
      kind: 'delivery',
      period: '2026-04', // 00:30 on April 1st in Saint-Étienne
      net: 1099,
      vat: 220,
      gross: 1319,
      vatRateBasisPoints: 2000,
      reference: 'CMD-42',
      eventId: 'evt_1',
      description: 'Livraison Saint-Étienne → Firminy',
    });
  });

  it('bills a cancellation only when it carries a fee, at the fee', () => {
    const cancelled = (fee: Delivery['price'] | null) => delivery({ status: 'cancelled', cancellation: { reason: null, at: '2026-03-15T10:00:00.000Z', fee } });
    expect(billableLinesFor('delivery.cancelled', cancelled(null), 'evt_2', new Date())).toEqual([]);
    const [line] = billableLinesFor('delivery.cancelled', cancelled({ currency: 'EUR', net: 300, vat: 60, gross: 360 }), 'evt_3', new Date());
    expect(line).toMatchObject({ id: 'dlv_01JDQ6V7M5B8XK2ZQ3W4E5R6T7:cancellation_fee', kind: 'cancellation_fee', period: '2026-03', gross: 360 });
  });

  it('bills nothing for other events, or an event whose delivery is not in the matching status', () => {
    expect(billableLinesFor('delivery.picked_up', delivery(), 'evt', new Date())).toEqual([]);
    expect(billableLinesFor('delivery.delivered', delivery({ status: 'failed' }), 'evt', new Date())).toEqual([]);
  });
});

describe('runs and schedule', () => {
  it('derives a run\'s invoice id for a tenant from both, stable and well-formed', () => {
    const id = invoiceIdFor('run_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7');
    expect(isId('invoice', id)).toBe(true);
    expect(invoiceIdFor('run_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7')).toBe(id);
    expect(invoiceIdFor('run_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T8')).not.toBe(id);
    expect(id.slice(4, 14)).toBe('01JDQ6V7M5'); // the run's time
  });

  it('declares the monthly schedule at 02:00 Paris on the 1st, and the consumers as rules', () => {
    expect(billingSchedule).toMatchObject({ expression: 'cron(0 2 1 * ? *)', timezone: 'Europe/Paris', handler: 'functions/billing/scheduled-run.ts' });
    const names = eventRules.map((rule) => rule.name);
    expect(names).toContain('billing-ledger');
    expect(names).toContain('billing-stripe-push');
  });

  it('keeps invoice.push_requested, invoice.reminder_due and plan.requested internal: to their consumers only, never to webhooks or the audit trail', () => {
    expect(allEvents.filter((definition) => definition.internal).map(({ type }) => type).sort()).toEqual(['invoice.push_requested', 'invoice.reminder_due', 'plan.requested']);
    // The contract's webhook event types (API-CONTRACT.md, "Outbound webhooks"), the two the
    // month end added (issue 14): a payment recorded, a credit note issued, and the rounds' (issue
    // 16): arrived at a stop, taken back by the hub, back at the hub, a new attempt, back to the sender.
    expect([...webhookEventTypes].sort()).toEqual(
      [
        'delivery.booked',
        'delivery.assigned',
        'delivery.picked_up',
        'delivery.delivered',
        'delivery.failed',
        'delivery.cancelled',
        'delivery.arrived',
        'delivery.unassigned',
        'delivery.returned',
        'delivery.rescheduled',
        'delivery.returned_to_sender',
        'delivery.at_hub',
        'invoice.issued',
        'invoice.paid',
        'payment.recorded',
        'credit_note.issued',
        'standing_order.occurrence_failed',
      ].sort(),
    );
    const envelope = (type: string, provider = 'stripe') => ({ version: '0', id: 'e', 'detail-type': type, source: 'delivery-hub', account: '1', time: '2026-03-01T00:00:00Z', region: 'eu-west-3', resources: [], detail: { data: { id: 'inv_1', tenantId: 'ten_1', provider } } });
    const targets = (event: unknown) => eventRules.filter((rule) => matchesEventPattern(rule.pattern, event)).map((rule) => rule.name);
    expect(targets(envelope('invoice.push_requested'))).toEqual(['billing-stripe-push']);
    expect(targets(envelope('invoice.reminder_due'))).toEqual(['billing-notify']);
    expect(targets(envelope('invoice.issued')).sort()).toEqual(['audit-trail', 'billing-notify', 'billing-stripe-push', 'webhook-dispatch']);
    expect(targets(envelope('invoice.issued', 'ledger')).sort()).toEqual(['audit-trail', 'billing-notify', 'webhook-dispatch']);
  });
});

describe('reconciliation of one tenant (pure)', () => {
  const tenant = { id: 'ten_1', name: 'Le Panier' };
  const line = (deliveryId: string, overrides: Partial<BillableLine> = {}): BillableLine => ({
    id: `${deliveryId}:delivery`, tenantId: 'ten_1', period: '2026-03', deliveryId, kind: 'delivery', description: 'x', reference: null, occurredAt: '2026-03-10T09:00:00.000Z',
    vatRateBasisPoints: 2000, net: 1000, vat: 200, gross: 1200, eventId: 'evt', recordedAt: '2026-03-10T09:00:01.000Z', ...overrides,
  });
  const invoice = (id: string, lineIds: string[], overrides: Partial<InvoiceRecord> = {}): InvoiceRecord => ({
    id, object: 'invoice', number: `F2026-${id}`, tenantId: 'ten_1', period: '2026-03', runId: 'run_1', status: 'open', provider: 'ledger',
    total: { currency: 'EUR', net: 1000 * lineIds.length, vat: 200 * lineIds.length, gross: 1200 * lineIds.length }, vatBreakdown: [], lineCount: lineIds.length,
    issuedAt: '2026-04-01T00:00:00.000Z', dueDate: '2026-05-01', paidAt: null, voidedAt: null, seller: null, buyer: null, stripe: null,
    createdAt: '2026-04-01T00:00:00.000Z', updatedAt: '2026-04-01T00:00:00.000Z', lineIds, ...overrides,
  });

  it('is clean when every delivery is on exactly one issued invoice at its amount', () => {
    const expected = [line('a'), line('b')];
    const lines = [line('a', { invoiceId: 'i1' }), line('b', { invoiceId: 'i1' })];
    const row = reconcileTenant({ tenant, expected, lines, invoices: [invoice('i1', ['a:delivery', 'b:delivery'])] }, '2026-04-02');
    expect(row).toMatchObject({ deliveredCount: 2, ledgerCount: 2, billedCount: 2, billedAmount: 2400, invoiceCount: 1, invoicedAmount: 2400, paidAmount: 0, discrepancies: [] });
  });

  it('lists each discrepancy with what it is about', () => {
    const expected = [line('a'), line('b'), line('c'), line('d')];
    const lines = [
      line('a', { invoiceId: 'i1' }),
      line('b'), // in the ledger, on no invoice
      line('d', { invoiceId: 'i2', gross: 1300, vat: 300 }), // amount differs from the delivery
      line('e', { invoiceId: 'i1' }), // not a delivered delivery
    ];
    const invoices = [
      invoice('i1', ['a:delivery', 'e:delivery', 'd:delivery']), // says d too: billed twice
      invoice('i2', ['d:delivery'], { provider: 'stripe', stripe: { ...emptyStripeSync(), syncStatus: 'synced', total: 999 }, dueDate: '2026-04-01' }),
    ];
    const row = reconcileTenant({ tenant, expected, lines, invoices }, '2026-05-15');
    const kinds = row.discrepancies.map((discrepancy) => `${discrepancy.kind}:${discrepancy.deliveryId ?? discrepancy.invoiceId}`).sort();
    expect(kinds).toEqual(
      [
        'amount_mismatch:d',
        'billed_not_delivered:e',
        'billed_twice:d',
        'delivered_not_billed:b',
        'delivered_not_billed:c',
        'invoice_total_mismatch:i1',
        'invoice_total_mismatch:i2',
        'overdue:i1',
        'overdue:i2',
        'stripe_amount_mismatch:i2',
      ].sort(),
    );
  });
});
