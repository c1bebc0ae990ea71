import type { InvoiceRecord, InvoiceStatus } from './schemas.js';

/** The Stripe webhook events that change an invoice. Others are acknowledged and ignored. */
export const handledStripeEvents = ['invoice.finalized', 'invoice.paid', 'invoice.payment_failed', 'invoice.voided', 'invoice.marked_uncollectible'] as const;
export type HandledStripeEvent = (typeof handledStripeEvents)[number];

export function isHandledStripeEvent(type: string): type is HandledStripeEvent {
  return (handledStripeEvents as readonly string[]).includes(type);
}

/** The fields of a Stripe invoice object we read (what every Stripe API version sends). */
export interface StripeInvoiceObject {
  id?: string | undefined;
  status?: string | null | undefined;
  number?: string | null | undefined;
  total?: number | undefined;
  amount_due?: number | undefined;
  amount_paid?: number | undefined;
  hosted_invoice_url?: string | null | undefined;
  status_transitions?: { paid_at?: number | null; voided_at?: number | null } | null | undefined;
}

export interface StripeInvoiceEvent {
  id: string;
  type: HandledStripeEvent;
  /** Unix seconds. */
  created: number;
  invoice: StripeInvoiceObject;
}

/** Where each event takes our invoice; `undefined` leaves the status alone. */
const target: Record<HandledStripeEvent, InvoiceStatus | undefined> = {
  'invoice.finalized': undefined,
  'invoice.payment_failed': undefined,
  'invoice.paid': 'paid',
  'invoice.voided': 'void',
  'invoice.marked_uncollectible': 'uncollectible',
};

/** The moves Stripe's invoice lifecycle allows. Paid and void are final: nothing moves them back. */
const allowed: Record<InvoiceStatus, readonly InvoiceStatus[]> = {
  draft: [],
  open: ['paid', 'void', 'uncollectible'],
  uncollectible: ['paid', 'void'],
  paid: [],
  void: [],
};

const rank: Record<string, number> = { draft: 0, open: 1, uncollectible: 2, paid: 3, void: 3 };

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/**
 * What a Stripe event changes on our invoice, as attribute paths to set (`stripe.amountPaid`),
 * and whether it becomes paid. Pure, and safe whatever the order events arrive in:
 * - the status only moves forward along Stripe's lifecycle (a late `invoice.finalized` never
 *   reopens a paid invoice; `invoice.paid` after `invoice.voided` changes nothing);
 * - the Stripe snapshot (amounts, status, URL) is taken from an event only if it is not older
 *   than the last one applied (same second: the one further along the lifecycle wins).
 * Answers `undefined` when there is nothing to change.
 */
export function stripeEventChange(invoice: InvoiceRecord, event: StripeInvoiceEvent): { set: Record<string, unknown>; becomes: InvoiceStatus | undefined } | undefined {
  if (invoice.stripe === null || invoice.status === 'draft') return undefined;
  const set: Record<string, unknown> = {};
  const next = target[event.type];
  let becomes: InvoiceStatus | undefined;
  if (next !== undefined && allowed[invoice.status].includes(next)) {
    becomes = next;
    set.status = next;
    if (next === 'paid') set.paidAt = iso(event.invoice.status_transitions?.paid_at ?? event.created);
    if (next === 'void') set.voidedAt = iso(event.invoice.status_transitions?.voided_at ?? event.created);
  }
  const last = invoice.stripe.lastEventCreated;
  const newer = last === null || event.created > last || (event.created === last && (rank[event.invoice.status ?? ''] ?? 0) >= (rank[invoice.stripe.status ?? ''] ?? 0));
  if (newer) {
    const object = event.invoice;
    if (object.id !== undefined) set['stripe.invoiceId'] = object.id;
    if (object.status !== undefined) set['stripe.status'] = object.status;
    if (object.number !== undefined) set['stripe.number'] = object.number;
    if (object.total !== undefined) set['stripe.total'] = object.total;
    if (object.amount_due !== undefined) set['stripe.amountDue'] = object.amount_due;
    if (object.amount_paid !== undefined) set['stripe.amountPaid'] = object.amount_paid;
    if (object.hosted_invoice_url !== undefined) set['stripe.hostedInvoiceUrl'] = object.hosted_invoice_url;
    set['stripe.lastEventId'] = event.id;
    set['stripe.lastEventCreated'] = event.created;
  }
  if (event.type === 'invoice.payment_failed' && (invoice.stripe.paymentFailedAt === null || iso(event.created) > invoice.stripe.paymentFailedAt)) {
    set['stripe.paymentFailedAt'] = iso(event.created);
  }
  return Object.keys(set).length === 0 ? undefined : { set, becomes };
}
