import { tenantScopeOf } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { config } from '../config.js';
import { loadDelivery } from '../deliveries/access.js';
import { deliveryRepository } from '../deliveries/repository.js';
import type { Delivery, DeliveryStatus } from '../deliveries/schemas.js';
import { dayLabelErrors, deliveryLabelErrors } from './errors.js';
import { labelsOf, type LabelDelivery } from './layout.js';
import { labelsPdf, type LabelFormat } from './pdf.js';

export interface LabelFile {
  fileName: string;
  body: Uint8Array;
  count: number;
}

/** Deliveries whose parcels still travel: a day's sheet leaves out cancelled and finished ones. */
const travelling = new Set<DeliveryStatus>(['booked', 'assigned', 'picked_up']);

/**
 * A delivery's labels, one per parcel. A tenant prints its own (another tenant's is the same 404
 * as an unknown id); the hub prints any. A cancelled delivery has none (409 `delivery_cancelled`):
 * a label would send a courier for nothing.
 */
export async function deliveryLabels(principal: Principal, deliveryId: string, format: LabelFormat): Promise<LabelFile> {
  const delivery = await servedDelivery(await loadDelivery(principal, deliveryId));
  if (delivery.status === 'cancelled') {
    throw deliveryLabelErrors.error('delivery_cancelled', `Delivery ${delivery.reference ?? delivery.id} is cancelled: it has no labels to print.`);
  }
  const labels = labelsOf(delivery as LabelDelivery, config.hubName);
  const body = await labelsPdf(labels, format, `Étiquettes ${delivery.reference ?? delivery.id}`);
  return { fileName: `etiquettes-${delivery.id}-${format}.pdf`, body, count: labels.length };
}

/**
 * A first leg (pickup → hub) carries the parcels of the delivery it serves (same tenant): their
 * labels are that delivery's, with its recipient, its day and its codes. Any other delivery is its own.
 */
async function servedDelivery(delivery: Delivery): Promise<Delivery> {
  const of = (delivery as LabelDelivery).leg?.of;
  if (typeof of !== 'string') return delivery;
  return (await deliveryRepository.get(delivery.tenantId, of)) ?? delivery;
}

/** Each first leg replaced by the delivery it serves, each delivery once (a first leg and its delivery may both be on a day's list). */
async function withoutDuplicateParcels(deliveries: readonly Delivery[]): Promise<Delivery[]> {
  const served = await Promise.all(deliveries.map((delivery) => servedDelivery(delivery)));
  const seen = new Set<string>();
  return served.filter((delivery) => {
    if (seen.has(delivery.id)) return false;
    seen.add(delivery.id);
    return true;
  });
}

/**
 * A service day's labels (Europe/Paris): a tenant's own deliveries, or the whole hub's for an
 * admin, in booking order, cancelled and finished deliveries left out. Nothing to print is a 404
 * that says so.
 */
export async function dayLabels(principal: Principal, date: string, format: LabelFormat): Promise<LabelFile> {
  const own = tenantScopeOf(principal);
  const day = await deliveryRepository.listForDay(date);
  const printable = (await withoutDuplicateParcels(day.filter((delivery) => travelling.has(delivery.status) && (own === undefined || delivery.tenantId === own))))
    .filter((delivery) => delivery.status !== 'cancelled')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  if (printable.length === 0) {
    throw dayLabelErrors.error('resource_missing', `No delivery to label on ${date}${own ? ' for this tenant' : ''}: nothing booked, assigned or picked up that day (cancelled and finished deliveries are left out).`, { param: 'date' });
  }
  const labels = printable.flatMap((delivery) => labelsOf(delivery as LabelDelivery, config.hubName));
  const body = await labelsPdf(labels, format, `Étiquettes du ${date}`);
  return { fileName: `etiquettes-${date}-${format}.pdf`, body, count: labels.length };
}
