import { Delivery } from './schemas.js';

/** Delivery events carry the whole delivery: webhooks and consumers need no second read. */
export const deliveryEvents = {
  'delivery.booked': { version: 1, data: Delivery },
  'delivery.assigned': { version: 1, data: Delivery },
  'delivery.picked_up': { version: 1, data: Delivery },
  'delivery.delivered': { version: 1, data: Delivery },
  'delivery.failed': { version: 1, data: Delivery },
  'delivery.cancelled': { version: 1, data: Delivery },
} as const;
