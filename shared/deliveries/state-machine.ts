import type { Delivery, DeliveryStatus } from './schemas.js';
import { transitionErrors } from './errors.js';
import { deliveryEvents } from './events.js';
import type { EventDefinition } from '../events/definition.js';


/**
 * The delivery lifecycle of the contract, in one table:
 * booked → assigned → picked_up → delivered; failed from assigned or picked_up; cancelled from
 * booked or assigned. `assign` again from assigned re-assigns before pickup. Anything else is a
 * 409 `invalid_transition`.
 */
export const transitions = {
  assign: { from: ['booked', 'assigned'], to: 'assigned', event: deliveryEvents.assigned },
  pick_up: { from: ['assigned'], to: 'picked_up', event: deliveryEvents.pickedUp },
  deliver: { from: ['picked_up'], to: 'delivered', event: deliveryEvents.delivered },
  fail: { from: ['assigned', 'picked_up'], to: 'failed', event: deliveryEvents.failed },
  cancel: { from: ['booked', 'assigned'], to: 'cancelled', event: deliveryEvents.cancelled },
} as const satisfies Record<string, { from: readonly DeliveryStatus[]; to: DeliveryStatus; event: EventDefinition }>;

export type Transition = keyof typeof transitions;
export type TransitionEvent = (typeof transitions)[Transition]['event'];

export const finalStatuses: readonly DeliveryStatus[] = ['delivered', 'failed', 'cancelled'];

export function canApply(status: DeliveryStatus, transition: Transition): boolean {
  return (transitions[transition].from as readonly DeliveryStatus[]).includes(status);
}

export interface TransitionInput {
  /**
   * When it happened, as reported (a courier's phone). Without it, the change is stamped now, or
   * at the last event's time if that is later: the clocks of two servers may differ by a few ms.
   */
  at?: Date;
  now: Date;
  courierId?: string;
  proof?: Delivery['proof'];
  failureReason?: string;
  cancellation?: Delivery['cancellation'];
}

/**
 * The delivery after `transition`, with the timeline appended and the version bumped; throws
 * `invalid_transition` when the current status does not allow it. Pure: the repository writes
 * the result conditionally on the version it was computed from.
 */
export function applyTransition(delivery: Delivery, transition: Transition, input: TransitionInput): Delivery {
  const rule = transitions[transition];
  if (!canApply(delivery.status, transition)) {
    throw transitionErrors.error('invalid_transition', `${aDelivery(delivery.status)} cannot be ${describe(transition)} (allowed from: ${rule.from.join(', ')}).`);
  }
  const last = delivery.timeline.at(-1);
  const lastAt = last ? Date.parse(last.at) : -Infinity;
  if (input.at && input.at.getTime() < lastAt) {
    throw transitionErrors.error('parameter_invalid', `at must not be before the delivery's last event (${last?.at}).`, { param: 'at' });
  }
  const at = (input.at ?? new Date(Math.max(input.now.getTime(), lastAt))).toISOString();
  return {
    ...delivery,
    status: rule.to,
    ...(input.courierId !== undefined ? { courierId: input.courierId } : {}),
    ...(input.proof !== undefined ? { proof: input.proof } : {}),
    ...(input.failureReason !== undefined ? { failureReason: input.failureReason } : {}),
    ...(input.cancellation !== undefined ? { cancellation: input.cancellation } : {}),
    timeline: [...delivery.timeline, { status: rule.to, at }],
    updatedAt: input.now.toISOString(),
    version: delivery.version + 1,
  };
}

/** "A booked delivery", "An assigned delivery": the status in words, with its article. */
export function aDelivery(status: DeliveryStatus): string {
  const words = status.replace('_', ' ');
  return `${/^[aeiou]/.test(words) ? 'An' : 'A'} ${words} delivery`;
}

function describe(transition: Transition): string {
  switch (transition) {
    case 'assign':
      return 'assigned';
    case 'pick_up':
      return 'picked up';
    case 'deliver':
      return 'delivered';
    case 'fail':
      return 'marked failed';
    case 'cancel':
      return 'cancelled';
  }
}
