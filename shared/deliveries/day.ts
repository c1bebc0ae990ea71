import type { Delivery } from './schemas.js';

const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Paris day (YYYY-MM-DD) of an instant. */
export function parisDateOf(instant: string | number | Date): string {
  return parisDay.format(new Date(instant));
}

/**
 * The Paris day a delivery is planned for: its slot's date, else the day its pickup window
 * opens, else its drop-off window's, else the day it was booked. The board, the rounds and the
 * courier's day all read deliveries by this day.
 */
export function serviceDateOf(delivery: Pick<Delivery, 'slot' | 'pickup' | 'dropoff' | 'createdAt'>): string {
  if (delivery.slot) return delivery.slot.date;
  const window = delivery.pickup.window ?? delivery.dropoff.window;
  return parisDateOf(window ? window.start : delivery.createdAt);
}

/** A delivery as stored before attempts and days existed, completed with what they mean for it. */
export function withLifecycleDefaults(delivery: Delivery): Delivery {
  return {
    ...delivery,
    failure: delivery.failure ?? null,
    attempt: delivery.attempt ?? 1,
    returnToSender: delivery.returnToSender ?? false,
    serviceDate: delivery.serviceDate ?? serviceDateOf(delivery),
    standingOrderId: delivery.standingOrderId ?? delivery.standingOrder?.id ?? null,
    standingOrder: delivery.standingOrder ?? null,
    // Before deliveries went through the hub: every one was direct.
    hub: delivery.hub ?? null,
    leg: delivery.leg ?? null,
    collectionPoint: delivery.collectionPoint ?? null,
  };
}
