import type { Principal } from '../auth/principal.js';
import { changeDelivery, RetryChange } from '../deliveries/lifecycle.js';
import type { Delivery, DeliveryStatus } from '../deliveries/schemas.js';
import { applyTransition, canApply } from '../deliveries/state-machine.js';
import { cancelFirstLeg, readFirstLeg, type LegWrite } from '../hub/legs.js';
import { DEFAULT_LANGUAGE } from '../i18n/language.js';
import { slotRepository } from '../slots/repository.js';
import { occurrenceErrors } from './errors.js';
import { standingOrderRepository as repository, type StoredOccurrence, type StoredSkipCode } from './repository.js';

/**
 * Cancelling the delivery of a booked occurrence, free, in one transaction with the occurrence
 * record (over the version read) and, for a delivery booked through the hub (an evening pickup
 * the day before), its first leg (pickup → hub). Used by a skip, an end, and a closure, holiday
 * or rule change that no longer gives the day.
 */
export type CancelOutcome =
  | { outcome: 'cancelled' }
  /** Kept: the delivery is assigned or under way, or its first leg has picked the parcels up. */
  | { outcome: 'kept'; deliveryStatus: DeliveryStatus; why: string };

/** The principal the system acts as on a tenant's deliveries (a closure's re-evaluation, the run). */
export const systemPrincipal = (tenantId: string): Principal => ({ role: 'tenant', keyId: 'standing-orders', tenantId });

/**
 * The first leg's writes when its delivery is cancelled: cancelled free while not picked up yet
 * (booked or assigned, as `cancelDelivery` does), nothing when already cancelled; `kept` when
 * its courier has the parcels (they are on their way to the hub, or there already).
 */
export function firstLegCancellation(first: Delivery | undefined, now: Date, reason: string, conflict: () => Error, options: { releaseSlot?: boolean } = {}): { writes: LegWrite[] } | { kept: string } {
  if (!first || first.status === 'cancelled') return { writes: [] };
  if (!canApply(first.status, 'cancel')) return { kept: `its first leg (${first.id}, pickup → hub) is already ${first.status.replaceAll('_', ' ')}: the parcels are on their way to the hub or there` };
  const writes = cancelFirstLeg(first, now, reason, conflict);
  return { writes: options.releaseSlot === false && first.slot ? writes.slice(0, -1) : writes };
}

export async function cancelBooked(principal: Principal, record: StoredOccurrence, reason: string, now: Date, skipCode: StoredSkipCode = 'skipped_by_tenant'): Promise<CancelOutcome> {
  const state: { result: CancelOutcome | 'already' } = { result: { outcome: 'cancelled' } };
  const skipped: StoredOccurrence = { ...record, state: 'skipped', skipReason: reason, skipCode, updatedAt: now.toISOString(), version: record.version + 1 };
  const conflict = () => occurrenceErrors.error('version_conflict', `The occurrence of ${record.date} changed meanwhile: read it again.`);
  await changeDelivery(principal, record.deliveryId as string, now, DEFAULT_LANGUAGE, async (current, at) => {
    if (current.status === 'cancelled') {
      state.result = 'already';
      return current;
    }
    if (current.status !== 'booked') {
      state.result = { outcome: 'kept', deliveryStatus: current.status, why: `it is already ${current.status.replaceAll('_', ' ')}` };
      return current;
    }
    const leg = firstLegCancellation(await readFirstLeg(current), at, `Its delivery was cancelled: ${reason}`, () => new RetryChange());
    if ('kept' in leg) {
      state.result = { outcome: 'kept', deliveryStatus: current.status, why: leg.kept };
      return current;
    }
    state.result = { outcome: 'cancelled' };
    const after = applyTransition(current, 'cancel', { now: at, cancellation: { reason, at: at.toISOString(), fee: null } });
    const slot = current.slot;
    return {
      after,
      extra: [
        ...(slot ? [{ item: slotRepository.releaseUnit({ id: slot.id, date: slot.date }), onFailure: () => new Error(`slot ${slot.id} has no unit to give back`) }] : []),
        ...leg.writes,
        { item: repository.writeOccurrence(skipped, record), onFailure: conflict },
      ],
    };
  });
  if (state.result === 'already') {
    // Cancelled on its own (its first leg with it, by `cancelDelivery`): the day is skipped.
    await repository.saveOccurrence(skipped, record, conflict);
    return { outcome: 'cancelled' };
  }
  return state.result;
}
