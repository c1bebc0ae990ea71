import type { Principal } from '../auth/principal.js';
import { config } from '../config.js';
import { changeDelivery, RetryChange } from '../deliveries/lifecycle.js';
import { deliveryEvents } from '../deliveries/events.js';
import { deliveryRepository } from '../deliveries/repository.js';
import type { Delivery } from '../deliveries/schemas.js';
import { applyTransition, timelineEntry } from '../deliveries/state-machine.js';
import { DEFAULT_LANGUAGE } from '../i18n/language.js';
import { scanErrors } from './errors.js';
import { allCheckedIn, checkInParcel, checkOutParcel, countParcels, readFirstLeg, settleFirstLeg } from './legs.js';
import { parseParcelCode } from './parcel-code.js';
import type { ParcelScan, ScanBody } from './schemas.js';

/** The delivery a label's code names (a first leg's id on a label stands for its delivery), or a clear refusal. */
async function scannedDelivery(body: ScanBody): Promise<{ delivery: Delivery; parcel: number; code: string }> {
  const code = body.code.trim().toUpperCase();
  const parsed = parseParcelCode(body.code);
  if (!parsed.ok && parsed.reason === 'other_hub') {
    throw scanErrors.error('label_other_hub', `This label is another hub's (${parsed.hubCode ?? '?'}), not this hub's (${config.hubCode}): give the parcel back to that hub.`, { param: 'code' });
  }
  if (!parsed.ok) {
    throw scanErrors.error('parameter_invalid', `code is not a parcel label: expected ${config.hubCode}:dlv_…:<parcel number>, as printed under the label's QR code.`, { param: 'code' });
  }
  let delivery = await deliveryRepository.findById(parsed.code.deliveryId);
  if (delivery?.leg) delivery = await deliveryRepository.get(delivery.tenantId, delivery.leg.of);
  if (!delivery) throw scanErrors.error('resource_missing', `No such delivery: '${parsed.code.deliveryId}'.`, { param: 'code' });
  if (!delivery.hub) throw scanErrors.error('not_via_hub', `Delivery ${delivery.id} goes straight to its drop-off: it does not go through the hub, so its parcels are not checked in or out here.`, { param: 'code' });
  if (parsed.code.parcel > delivery.parcels.length) {
    throw scanErrors.error('resource_missing', `Delivery ${delivery.id} has ${delivery.parcels.length} parcel${delivery.parcels.length > 1 ? 's' : ''}: there is no parcel ${parsed.code.parcel}.`, { param: 'code' });
  }
  return { delivery, parcel: parsed.code.parcel, code };
}

/**
 * A parcel's label scanned at the hub (by the hub's staff, or a courier's phone).
 *
 * `check_in`: the parcel is at the hub (again: a repeat, answered the same, never an error).
 * With the last one, the stage becomes `at_hub`, the timeline says so (status unchanged),
 * `delivery.at_hub` is published, and the first leg ends: delivered if its courier picked the
 * parcels up, cancelled free if it never left (the tenant brought them) — all in one transaction.
 *
 * `check_out`: every parcel must be in (409 `not_at_hub`), the delivery assigned (409), and a
 * courier scans only its own deliveries (409 `not_on_round`). With the last one, the delivery is
 * `picked_up` (the usual transition, its courier kept) and the stage `left_hub`.
 *
 * Every write goes through `changeDelivery` (optimistic versions): two scanners at once both count.
 */
export async function scanParcel(principal: Principal, body: ScanBody, requestedAt = new Date()): Promise<ParcelScan> {
  const { delivery, parcel, code } = await scannedDelivery(body);
  // The hub acts here: a courier checking in parcels at the hub need not be the delivery's courier.
  const hub: Principal = { role: 'admin', keyId: principal.keyId, ...(principal.userId !== undefined ? { userId: principal.userId } : {}) };
  let repeated = false;
  const after = await changeDelivery(hub, delivery.id, requestedAt, DEFAULT_LANGUAGE, async (current, now) => {
    repeated = false;
    const record = current.hub;
    if (!record) throw scanErrors.error('not_via_hub', `Delivery ${current.id} does not go through the hub.`, { param: 'code' });
    if (current.status === 'cancelled') throw scanErrors.error('invalid_transition', `Delivery ${current.id} was cancelled: its parcels are neither checked in nor out. Set them aside for the sender.`, { param: 'code' });
    const last = current.timeline.at(-1);
    const at = new Date(Math.max(now.getTime(), last ? Date.parse(last.at) : 0)).toISOString();
    const bumped = { updatedAt: now.toISOString(), version: current.version + 1 };

    if (body.action === 'check_in') {
      const outcome = checkInParcel(record, parcel, at);
      if (outcome.repeated) {
        repeated = true;
        return current;
      }
      if (!outcome.completed) return { after: { ...current, hub: outcome.hub, ...bumped }, event: false };
      const first = await readFirstLeg(current);
      return {
        after: { ...current, hub: outcome.hub, timeline: [...current.timeline, timelineEntry(current.status, at, current.attempt, { step: 'at_hub' })], ...bumped },
        eventDefinition: deliveryEvents.atHub,
        ...(first ? { extra: settleFirstLeg(first, now, () => new RetryChange()) } : {}),
      };
    }

    if (!allCheckedIn(record)) {
      const counts = countParcels(record);
      throw scanErrors.error('not_at_hub', `Not every parcel of delivery ${current.id} is at the hub yet (${counts.checkedIn} of ${counts.total} checked in): check them all in before they leave.`);
    }
    if (record.parcels[parcel - 1]?.checkedOutAt) {
      repeated = true;
      return current;
    }
    if (current.status !== 'assigned') {
      throw scanErrors.error('invalid_transition', `Delivery ${current.id} is ${current.status.replaceAll('_', ' ')}: its last leg must be assigned to a courier (POST /v1/hub/deliveries/${current.id}/assign) before its parcels leave the hub.`);
    }
    if (principal.role === 'courier' && current.courierId !== principal.courierId) {
      throw scanErrors.error('not_on_round', `Delivery ${current.id} is not on your round: the hub assigned its last leg to another courier.`);
    }
    const outcome = checkOutParcel(record, parcel, at);
    if (!outcome.completed) return { after: { ...current, hub: outcome.hub, ...bumped }, event: false };
    return { after: applyTransition(current, 'pick_up', { now, patch: { hub: outcome.hub } }) };
  });
  const record = after.hub ?? delivery.hub;
  return {
    object: 'parcel_scan',
    code,
    action: body.action,
    deliveryId: after.id,
    reference: after.reference,
    parcel,
    parcels: record ? countParcels(record) : { total: after.parcels.length, checkedIn: 0, checkedOut: 0 },
    stage: record?.stage ?? 'expected',
    status: after.status,
    repeated,
  };
}
