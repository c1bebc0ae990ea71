import { defineEvent } from '../events/definition.js';
import { Delivery } from './schemas.js';

/** Delivery events carry the whole delivery: webhooks and consumers need no second read. */
export const deliveryEvents = {
  booked: defineEvent('delivery.booked', { version: 1, data: Delivery }),
  assigned: defineEvent('delivery.assigned', { version: 1, data: Delivery }),
  pickedUp: defineEvent('delivery.picked_up', { version: 1, data: Delivery }),
  delivered: defineEvent('delivery.delivered', { version: 1, data: Delivery }),
  failed: defineEvent('delivery.failed', { version: 1, data: Delivery }),
  cancelled: defineEvent('delivery.cancelled', { version: 1, data: Delivery }),
} as const;
