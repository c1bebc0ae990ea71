import type { Delivery } from '../deliveries/schemas.js';
import { inferVatRate } from './money.js';
import { periodOf } from './period.js';
import type { LineKind } from './schemas.js';

/**
 * A billable line of the ledger: what one delivery (or one cancellation fee) owes, recorded by
 * the billing-ledger consumer from the bus. Its id is `<deliveryId>:<kind>`, so however many
 * times an event is delivered, a delivery has at most one line of each kind.
 */
export interface BillableLine {
  id: string;
  tenantId: string;
  period: string;
  deliveryId: string;
  kind: LineKind;
  description: string;
  reference: string | null;
  occurredAt: string;
  vatRateBasisPoints: number;
  net: number;
  vat: number;
  gross: number;
  /** The bus event the line was recorded from. */
  eventId: string;
  recordedAt: string;
  /** Set once, by the conditional write that puts the line on an invoice. */
  invoiceId?: string;
  claimedAt?: string;
}

export function lineId(deliveryId: string, kind: LineKind): string {
  return `${deliveryId}:${kind}`;
}

function route(delivery: Delivery): string {
  return `${delivery.pickup.address.city} → ${delivery.dropoff.address.city}`;
}

function deliveredAt(delivery: Delivery): string | undefined {
  return delivery.timeline.findLast((entry) => entry.status === 'delivered')?.at;
}

/**
 * The lines a delivery event makes billable: a delivered delivery at its price, a cancellation
 * with a fee at the fee. Anything else bills nothing. Pure.
 */
export function billableLinesFor(type: string, delivery: Delivery, eventId: string, recordedAt: Date, preferredVatRate?: number): BillableLine[] {
  // A first leg (pickup → hub) is never billed: its delivery is, once, at the whole trip's price.
  if (delivery.leg) return [];
  const base = { tenantId: delivery.tenantId, deliveryId: delivery.id, reference: delivery.reference, eventId, recordedAt: recordedAt.toISOString() };
  if (type === 'delivery.delivered' && delivery.status === 'delivered') {
    const at = deliveredAt(delivery) ?? delivery.updatedAt;
    const what = delivery.kind === 'pickup' ? 'Collecte' : 'Livraison';
    return [
      {
        ...base,
        id: lineId(delivery.id, 'delivery'),
        kind: 'delivery',
        period: periodOf(at),
        description: `${what}${delivery.service === 'express' ? ' express' : ''} ${route(delivery)}`,
        occurredAt: at,
        vatRateBasisPoints: inferVatRate(delivery.price, preferredVatRate),
        net: delivery.price.net,
        vat: delivery.price.vat,
        gross: delivery.price.gross,
      },
    ];
  }
  const fee = delivery.cancellation?.fee;
  if (type === 'delivery.cancelled' && delivery.status === 'cancelled' && fee && delivery.cancellation) {
    return [
      {
        ...base,
        id: lineId(delivery.id, 'cancellation_fee'),
        kind: 'cancellation_fee',
        period: periodOf(delivery.cancellation.at),
        description: `Frais d'annulation ${route(delivery)}`,
        occurredAt: delivery.cancellation.at,
        vatRateBasisPoints: inferVatRate(fee, preferredVatRate),
        net: fee.net,
        vat: fee.vat,
        gross: fee.gross,
      },
    ];
  }
  const failure = delivery.failure;
  if (type === 'delivery.failed' && delivery.status === 'failed' && failure?.fee) {
    return [
      {
        ...base,
        // One line per failed attempt: the second failure of a delivery is charged too.
        id: `${lineId(delivery.id, 'failed_attempt_fee')}:${failure.attempt}`,
        kind: 'failed_attempt_fee',
        period: periodOf(failure.at),
        description: `Tentative de livraison n° ${failure.attempt} sans succès ${route(delivery)}`,
        occurredAt: failure.at,
        vatRateBasisPoints: inferVatRate(failure.fee, preferredVatRate),
        net: failure.fee.net,
        vat: failure.fee.vat,
        gross: failure.fee.gross,
      },
    ];
  }
  return [];
}
