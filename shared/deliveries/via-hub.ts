import type { Principal } from '../auth/principal.js';
import { outboxEntry } from '../events/outbox.js';
import { activeRouter } from '../geo/adapters.js';
import { getDepot } from '../hub/depot.js';
import { splitThroughHub } from '../hub/legs.js';
import { pricingContext } from '../hub/settings.js';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/language.js';
import { withHubHandling } from '../pricing/price.js';
import { changeDelivery } from './lifecycle.js';
import { deliveryEvents } from './events.js';
import { viaHubErrors } from './errors.js';
import { deliveryRepository } from './repository.js';
import type { Delivery } from './schemas.js';
import { aDelivery } from './state-machine.js';

/**
 * Turns a booked direct delivery A → B into A → hub → B (coopcycle-web #5049): the delivery
 * becomes the last leg, from the hub, and (when a courier collects) a first leg A → hub is booked,
 * in the same transaction. Only while it is `booked` (before a courier has it), only once, only
 * on a first attempt. The price stays what was booked, plus the rate card's hub line if it has one.
 */
export async function routeThroughHub(principal: Principal, deliveryId: string, firstLeg: 'courier' | 'tenant', language: Language = DEFAULT_LANGUAGE, requestedAt = new Date()): Promise<Delivery> {
  const depot = await getDepot();
  return changeDelivery(principal, deliveryId, requestedAt, language, async (current, now) => {
    if (current.leg) throw viaHubErrors.error('invalid_transition', `This is the first leg of delivery ${current.leg.of}: it already goes to the hub.`);
    if (current.hub) throw viaHubErrors.error('invalid_transition', `This delivery already goes through the hub (first leg: ${current.hub.firstLeg}).`);
    if (current.status !== 'booked') {
      throw viaHubErrors.error('invalid_transition', `${aDelivery(current.status)} can no longer be routed through the hub: only a booked one can, before a courier has it (unassign it first).`);
    }
    if (current.attempt > 1 || current.origin) throw viaHubErrors.error('invalid_transition', 'This attempt already leaves from the hub.');
    if (current.kind !== 'delivery') throw viaHubErrors.error('invalid_transition', 'A pickup (a collection at a donor\'s) does not go through the hub: its items come to the tenant.');
    const firstLegDistanceMeters = firstLeg === 'courier' ? await activeRouter().distanceMeters(current.pickup.address, depot.address) : 0;
    const { last, first } = splitThroughHub(current, { depot, firstLeg, now, firstLegDistanceMeters });
    const priced = withHubHandling((await pricingContext(current.tenantId)).rateCard, { lines: current.lines, price: current.price });
    const after: Delivery = { ...last, lines: priced.lines, price: priced.price, updatedAt: now.toISOString(), version: current.version + 1 };
    return {
      after,
      // The delivery's status does not change: no lifecycle event for it; the first leg is booked.
      event: false,
      ...(first
        ? {
            extra: [
              { item: deliveryRepository.create(first), onFailure: () => new Error(`first leg ${first.id} exists already`) },
              { item: outboxEntry(deliveryEvents.booked, first.tenantId, first, now).create, onFailure: () => new Error('outbox entry exists already') },
            ],
          }
        : {}),
    };
  });
}
