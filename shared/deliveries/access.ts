import { tenantScopeOf } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { deliveryReadErrors, roundMembershipErrors } from './errors.js';
import { deliveryRepository } from './repository.js';
import type { Delivery } from './schemas.js';

/**
 * Reads the delivery a caller may act on. A tenant reads its own by key; the hub reads any by
 * id; a courier reads only what is assigned to it. Anything else is the same 404.
 */
export async function loadDelivery(principal: Principal, deliveryId: string, consistent = false): Promise<Delivery> {
  let delivery: Delivery | undefined;
  const own = tenantScopeOf(principal);
  if (own !== undefined) delivery = await deliveryRepository.get(own, deliveryId, consistent);
  else {
    delivery = await deliveryRepository.findById(deliveryId);
    if (delivery && consistent) delivery = await deliveryRepository.get(delivery.tenantId, deliveryId, true);
    if (principal.role === 'courier' && delivery && delivery.courierId !== principal.courierId) {
      // Once the courier's, a delivery the hub gave to someone else (or took back) is a clear 409
      // (a step queued on a phone while it was offline); one it never had stays unseen (404).
      const wasMine = delivery.timeline.some((entry) => entry.courierId === principal.courierId);
      if (!wasMine) delivery = undefined;
      else throw roundMembershipErrors.error('not_on_round', 'This delivery is not on your round any more: the hub assigned it to someone else or took it back.');
    }
  }
  if (!delivery) throw deliveryReadErrors.notFound('delivery', deliveryId);
  return delivery;
}
