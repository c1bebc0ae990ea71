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
  /** The courier reached a stop (pickup or drop-off): the timeline's last entry says which. */
  arrived: defineEvent('delivery.arrived', { version: 1, data: Delivery }),
  /** The hub took the delivery back from its courier before pickup: booked again, in the queue. */
  unassigned: defineEvent('delivery.unassigned', { version: 1, data: Delivery }),
  /** After a failure, the parcel is back at the hub. */
  returned: defineEvent('delivery.returned', { version: 1, data: Delivery }),
  /** A new attempt is booked after a failure (to the recipient, or back to the sender: `returnToSender`). */
  rescheduled: defineEvent('delivery.rescheduled', { version: 1, data: Delivery }),
  /** Through the hub: every parcel is checked in at the hub (the status is unchanged; `hub.stage` is `at_hub`). */
  atHub: defineEvent('delivery.at_hub', { version: 1, data: Delivery }),
  /** The parcel is back with its sender: the delivery ends there. */
  returnedToSender: defineEvent('delivery.returned_to_sender', { version: 1, data: Delivery }),
} as const;
