import type { Delivery, DeliveryStatus, TimelineEntry } from './schemas.js';
import { transitionErrors } from './errors.js';
import { deliveryEvents } from './events.js';
import type { EventDefinition } from '../events/definition.js';


/**
 * The delivery lifecycle of the contract, in one table:
 * booked → assigned → picked_up → delivered; failed from assigned or picked_up; cancelled from
 * booked or assigned. `assign` again from assigned re-assigns before pickup; `unassign` takes
 * it back to booked. A failure is not the end: the parcel comes back to the hub (`returned`),
 * then a new attempt is booked (`reschedule`, back to booked, the same delivery) or it goes back
 * to its sender (`return_to_sender`: booked again, towards the pickup address; delivered, it
 * ends `returned_to_sender`). A failure before pickup (nothing on the bike) can be rescheduled
 * at once. Anything else is a 409 `invalid_transition`.
 */
export const transitions = {
  assign: { from: ['booked', 'assigned'], to: 'assigned', event: deliveryEvents.assigned },
  unassign: { from: ['assigned'], to: 'booked', event: deliveryEvents.unassigned },
  pick_up: { from: ['assigned'], to: 'picked_up', event: deliveryEvents.pickedUp },
  deliver: { from: ['picked_up'], to: 'delivered', event: deliveryEvents.delivered },
  deliver_to_sender: { from: ['picked_up'], to: 'returned_to_sender', event: deliveryEvents.returnedToSender },
  fail: { from: ['assigned', 'picked_up'], to: 'failed', event: deliveryEvents.failed },
  return: { from: ['failed'], to: 'returned', event: deliveryEvents.returned },
  reschedule: { from: ['failed', 'returned'], to: 'booked', event: deliveryEvents.rescheduled },
  return_to_sender: { from: ['returned'], to: 'booked', event: deliveryEvents.rescheduled },
  cancel: { from: ['booked', 'assigned'], to: 'cancelled', event: deliveryEvents.cancelled },
} as const satisfies Record<string, { from: readonly DeliveryStatus[]; to: DeliveryStatus; event: EventDefinition }>;

export type Transition = keyof typeof transitions;
export type TransitionEvent = (typeof transitions)[Transition]['event'];

export const finalStatuses: readonly DeliveryStatus[] = ['delivered', 'cancelled', 'returned_to_sender'];

export function canApply(status: DeliveryStatus, transition: Transition): boolean {
  return (transitions[transition].from as readonly DeliveryStatus[]).includes(status);
}

/** Whether the current attempt's parcel was picked up (then a failure brings it back to the hub). */
export function pickedUpThisAttempt(delivery: Delivery): boolean {
  const attempt = delivery.attempt ?? 1;
  return delivery.timeline.some((entry) => entry.status === 'picked_up' && (entry.attempt ?? 1) === attempt);
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
  failure?: Delivery['failure'];
  cancellation?: Delivery['cancellation'];
  /** Fields the transition changes besides the status (a new attempt's stops, slot, day). */
  patch?: Partial<Delivery>;
  /** Extra marks on the timeline entry (`step: 'rescheduled'`). */
  entry?: Pick<TimelineEntry, 'step' | 'stop' | 'courierId'>;
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
    ...(input.failure !== undefined ? { failure: input.failure } : {}),
    ...(input.cancellation !== undefined ? { cancellation: input.cancellation } : {}),
    ...input.patch,
    timeline: [...delivery.timeline, timelineEntry(rule.to, at, input.patch?.attempt ?? delivery.attempt, transition === 'assign' && input.courierId !== undefined ? { ...input.entry, courierId: input.courierId } : input.entry)],
    updatedAt: input.now.toISOString(),
    version: delivery.version + 1,
  };
}

/** A timeline entry; the attempt is written from the second attempt on (the first is implied). */
export function timelineEntry(status: DeliveryStatus, at: string, attempt: number | undefined, marks?: Pick<TimelineEntry, 'step' | 'stop' | 'courierId'>): TimelineEntry {
  return { status, at, ...marks, ...(attempt !== undefined && attempt > 1 ? { attempt } : {}) };
}

/** "A booked delivery", "An assigned delivery": the status in words, with its article. */
export function aDelivery(status: DeliveryStatus): string {
  const words = status.replaceAll('_', ' ');
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
    case 'unassign':
      return 'unassigned';
    case 'deliver_to_sender':
      return 'delivered back to its sender';
    case 'return':
      return 'returned to the hub';
    case 'reschedule':
      return 'rescheduled';
    case 'return_to_sender':
      return 'sent back to its sender';
  }
}
