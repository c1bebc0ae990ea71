import type { Delivery } from '../deliveries/schemas.js';
import type { EventDetail } from '../events/definition.js';
import { pricingContext } from '../hub/settings.js';
import { billableLinesFor } from './ledger.js';
import { billingRepository } from './repository.js';

/** Records the billable lines of a delivery event; answers how many were new. */
export async function recordDeliveryEvent(type: 'delivery.delivered' | 'delivery.cancelled' | 'delivery.failed', detail: EventDetail<Delivery>, now = new Date()): Promise<number> {
  const delivery = detail.data;
  if (type === 'delivery.cancelled' && !delivery.cancellation?.fee) return 0;
  if (type === 'delivery.failed' && !delivery.failure?.fee) return 0;
  // The tenant's VAT rate, to name the rate of a price that carries only amounts.
  const { rateCard } = await pricingContext(delivery.tenantId);
  const lines = billableLinesFor(type, delivery, detail.id, now, rateCard.vatRateBasisPoints);
  let recorded = 0;
  for (const line of lines) if (await billingRepository.putLine(line)) recorded += 1;
  return recorded;
}
