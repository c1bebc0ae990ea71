import { tenantScopeOf, withholdsPersonalData } from '../auth/access.js';
import { TZDate } from '@date-fns/tz';
import type { Principal } from '../auth/principal.js';
import { courierRepository } from '../couriers/repository.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { transact, writeOne, type TransactItem } from '../db/transact.js';
import { outboxEntry } from '../events/outbox.js';
import { pricingContext } from '../hub/settings.js';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/language.js';
import { isId } from '../ids.js';
import { slotRepository } from '../slots/repository.js';
import { localizeDelivery, localizeDeliveries } from './localize.js';
import { withoutPersonalData } from './redaction.js';
import { deliveryRepository } from './repository.js';
import type { CourierEventBody, Delivery, DeliveryStatus } from './schemas.js';
import { aDelivery, applyTransition, canApply, transitions, type Transition } from './state-machine.js';
import { deliveryListErrors, deliveryChangeErrors } from './errors.js';
import { loadDelivery } from './access.js';

export { loadDelivery } from './access.js';


/** A courier's clock may run a little ahead of ours; more than this is a mistake. */
const CLOCK_SKEW_MS = 2 * 60 * 1000;
const MAX_VERSION_RETRIES = 4;

class VersionConflict extends Error {}

export interface Change {
  after: Delivery;
  /** Other items of the same transaction (a slot unit given back, a courier that must exist). */
  extra?: Array<{ item: TransactItem; onFailure: () => Error }>;
  /** Position updates change the delivery without a lifecycle event. */
  event?: boolean;
}

/**
 * Optimistic concurrency for every change: compute the next version from what was read, write
 * it on the condition that nobody wrote in between, and on a conflict read again and
 * re-decide (the other actor's change may have made ours invalid: then 409). No lost update.
 * Everything that depends on the state is decided again on each attempt, the clock included:
 * a retry that kept the first attempt's time could find it earlier than the change it lost to.
 * The answer is the delivery in the caller's language (`localizeDelivery`).
 */
async function change(
  principal: Principal,
  deliveryId: string,
  now: Date,
  language: Language,
  decide: (current: Delivery, now: Date) => Change | Delivery | Promise<Change | Delivery>,
): Promise<Delivery> {
  let current = await loadDelivery(principal, deliveryId);
  for (let attempt = 0; ; attempt += 1) {
    const decision = await decide(current, attempt === 0 ? now : new Date(Math.max(now.getTime(), Date.now())));
    if (!('after' in decision)) return localizeDelivery(decision, language);
    const { after, extra = [], event = true } = decision;
    const type = eventTypeFor(after.status);
    const items: TransactItem[] = [deliveryRepository.replace(after, current.version), ...extra.map((entry) => entry.item)];
    if (event && type) items.push(outboxEntry(type, after.tenantId, after, new Date(after.updatedAt)).create);
    try {
      const refusal = ({ index }: { index: number }) => (index === 0 ? new VersionConflict() : (extra[index - 1]?.onFailure() ?? new Error('condition failed')));
      // A lone write (a position report) needs no transaction: a conditional put at half the cost.
      const answer = localizeDelivery(after, language);
      if (items.length === 1) await writeOne(items[0] as TransactItem, refusal, { result: answer });
      else await transact(items, refusal, { result: answer });
      return answer;
    } catch (error) {
      if (!(error instanceof VersionConflict) || attempt >= MAX_VERSION_RETRIES) throw error;
      current = await loadDelivery(principal, deliveryId, true);
    }
  }
}

function eventTypeFor(status: DeliveryStatus) {
  const transition = Object.values(transitions).find((candidate) => candidate.to === status);
  return transition?.event;
}

export async function getDelivery(principal: Principal, deliveryId: string, language: Language = DEFAULT_LANGUAGE): Promise<Delivery> {
  const delivery = await loadDelivery(principal, deliveryId);
  return localizeDelivery(withholdsPersonalData(principal) ? withoutPersonalData(delivery) : delivery, language);
}

export interface ListFilter {
  status?: DeliveryStatus | undefined;
  tenantId?: string | undefined;
  /** Booked from this Paris day, and up to this one (inclusive), YYYY-MM-DD. */
  from?: string | undefined;
  to?: string | undefined;
}

/** A Paris day's first instant, and the next day's (dates of a list filter). */
function bookedBetween(filter: ListFilter): { from?: Date; to?: Date } | undefined {
  if (filter.from === undefined && filter.to === undefined) return undefined;
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) {
    throw deliveryListErrors.error('parameter_invalid', `from (${filter.from}) is after to (${filter.to}).`, { param: 'from' });
  }
  const startOf = (date: string) => {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    return new Date(new TZDate(year, month - 1, day, 0, 0, 0, 'Europe/Paris').getTime());
  };
  return {
    ...(filter.from !== undefined ? { from: startOf(filter.from) } : {}),
    // The end of the day: the next day's start (a Paris day is 23, 24 or 25 hours long), less a millisecond.
    ...(filter.to !== undefined ? { to: new Date(startOf(new Date(Date.parse(`${filter.to}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10)).getTime() - 1) } : {}),
  };
}

export async function listDeliveries(principal: Principal, filter: ListFilter, page: PageRequest, language: Language = DEFAULT_LANGUAGE): Promise<Page<Delivery>> {
  const found = await findDeliveries(principal, filter, page);
  return localizeDeliveries(withholdsPersonalData(principal) ? { ...found, data: found.data.map(withoutPersonalData) } : found, language);
}

async function findDeliveries(principal: Principal, filter: ListFilter, page: PageRequest): Promise<Page<Delivery>> {
  const own = tenantScopeOf(principal);
  if (own !== undefined) {
    if (filter.tenantId !== undefined && filter.tenantId !== own) throw deliveryListErrors.error('parameter_invalid', "tenantId: a tenant's key lists its own tenant's deliveries only.", { param: 'tenantId' });
    return deliveryRepository.listForTenant(own, filter.status, page, bookedBetween(filter));
  }
  if (filter.tenantId !== undefined) {
    if (!isId('tenant', filter.tenantId)) return { data: [], hasMore: false, nextCursor: null };
    return deliveryRepository.listForTenant(filter.tenantId, filter.status, page, bookedBetween(filter));
  }
  if (filter.status === undefined) {
    throw deliveryListErrors.error('parameter_missing', 'Give tenantId to list one tenant\'s deliveries, or status to list the whole hub\'s.', { param: 'status' });
  }
  return deliveryRepository.listForHub(filter.status, page);
}

/** Cancelling is free before assignment; after it, the tenant's rate card may charge a fee. */
export async function cancelDelivery(
  principal: Principal,
  deliveryId: string,
  reason: string | undefined,
  language: Language = DEFAULT_LANGUAGE,
  requestedAt = new Date(),
): Promise<Delivery> {
  return change(principal, deliveryId, requestedAt, language, async (current, now) => {
    if (current.status === 'cancelled') return current;
    if (!canApply(current.status, 'cancel')) {
      throw deliveryChangeErrors.error('invalid_transition', `${aDelivery(current.status)} can no longer be cancelled.`);
    }
    const fee = current.status === 'assigned' ? await cancellationFee(current.tenantId) : null;
    const after = applyTransition(current, 'cancel', { now, cancellation: { reason: reason ?? null, at: now.toISOString(), fee } });
    const slot = current.slot;
    return {
      after,
      ...(slot
        ? { extra: [{ item: slotRepository.releaseUnit({ id: slot.id, date: slot.date }), onFailure: () => new Error(`slot ${slot.id} has no unit to give back`) }] }
        : {}),
    };
  });
}

async function cancellationFee(tenantId: string): Promise<Delivery['price'] | null> {
  const { rateCard } = await pricingContext(tenantId);
  const net = rateCard.cancellationFeeCents;
  if (net === 0) return null;
  const vat = Math.floor((net * rateCard.vatRateBasisPoints + 5000) / 10000);
  return { currency: 'EUR', net, vat, gross: net + vat };
}

/** The hub assigns (or re-assigns, before pickup) a delivery to a courier that exists. */
export async function assignDelivery(principal: Principal, deliveryId: string, courierId: string, language: Language = DEFAULT_LANGUAGE, requestedAt = new Date()): Promise<Delivery> {
  if (!isId('courier', courierId)) throw deliveryChangeErrors.error('resource_missing', `No such courier: '${courierId.slice(0, 64)}'.`, { param: 'courierId' });
  return change(principal, deliveryId, requestedAt, language, (current, now) => {
    if (current.status === 'assigned' && current.courierId === courierId) return current;
    const after = applyTransition(current, 'assign', { now, courierId });
    return {
      after,
      extra: [
        {
          item: courierRepository.exists(courierId),
          onFailure: () => deliveryChangeErrors.error('resource_missing', `No such courier: '${courierId}'.`, { param: 'courierId' }),
        },
      ],
    };
  });
}

const courierTransitions: Record<Exclude<CourierEventBody['type'], 'position'>, Transition> = {
  picked_up: 'pick_up',
  delivered: 'deliver',
  failed: 'fail',
};

/**
 * What a courier reports: pickup, delivery (with proof), failure (with a reason) or its
 * position. A repeated report of the status the delivery already has is answered with the
 * delivery unchanged (a phone on a bad network retries); a report out of order is a 409.
 */
export async function recordCourierEvent(
  principal: Principal,
  deliveryId: string,
  body: CourierEventBody,
  language: Language = DEFAULT_LANGUAGE,
  requestedAt = new Date(),
): Promise<Delivery> {
  const reportedAt = body.at === undefined ? undefined : new Date(body.at);
  if (reportedAt && reportedAt.getTime() > requestedAt.getTime() + CLOCK_SKEW_MS) throw deliveryChangeErrors.error('parameter_invalid', 'at must not be in the future.', { param: 'at' });
  if (body.type === 'failed' && body.reason === undefined) throw deliveryChangeErrors.error('parameter_missing', 'reason is required when a delivery failed.', { param: 'reason' });
  if (body.type === 'position' && body.position === undefined) throw deliveryChangeErrors.error('parameter_missing', 'position is required for a position report.', { param: 'position' });
  if (body.type !== 'delivered' && body.proof !== undefined) throw deliveryChangeErrors.error('parameter_invalid', 'proof goes with a delivered event only.', { param: 'proof' });
  if (body.type !== 'failed' && body.reason !== undefined) throw deliveryChangeErrors.error('parameter_invalid', 'reason goes with a failed event only.', { param: 'reason' });

  return change(principal, deliveryId, requestedAt, language, (current, now) => {
    const at = reportedAt ?? now;
    if (body.type === 'position') {
      const position = body.position as { lat: number; lng: number };
      if (current.status !== 'assigned' && current.status !== 'picked_up') {
        throw deliveryChangeErrors.error('invalid_transition', `Positions are kept while a delivery is under way, not when it is ${current.status.replace('_', ' ')}.`);
      }
      if (current.lastPosition && Date.parse(current.lastPosition.at) > at.getTime()) return current; // an older report arriving late
      return { after: { ...current, lastPosition: { ...position, at: at.toISOString() }, updatedAt: now.toISOString(), version: current.version + 1 }, event: false };
    }
    const transition = courierTransitions[body.type];
    if (current.status === transitions[transition].to) return current;
    return {
      after: applyTransition(current, transition, {
        ...(reportedAt ? { at: reportedAt } : {}),
        now,
        ...(body.type === 'delivered' ? { proof: body.proof ?? {} } : {}),
        ...(body.type === 'failed' ? { failureReason: body.reason as string } : {}),
      }),
    };
  });
}

export async function listCourierDeliveries(principal: Principal, page: PageRequest, language: Language = DEFAULT_LANGUAGE): Promise<Page<Delivery>> {
  if (principal.role !== 'courier') throw deliveryListErrors.error('forbidden', 'Only couriers have a task list.');
  return localizeDeliveries(await deliveryRepository.listOpenForCourier(principal.courierId, page), language);
}
