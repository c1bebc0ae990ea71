import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** Errors raised here: A move the lifecycle does not allow, or a time before the last event. */
export const transitionErrors = errorSet('invalid_transition', 'parameter_invalid');

/** Errors raised here: Booking: a quote used or expired, a slot full, over or unknown. */
export const bookingErrors = errorSet('parameter_invalid', 'quote_already_used', 'quote_expired', 'resource_missing', 'slot_full');

/** Reading a delivery: not found, or not yours (the same answer). */
export const deliveryReadErrors = errorSet('resource_missing');

/** Listing deliveries: a filter that does not fit the caller. */
export const deliveryListErrors = errorSet('parameter_invalid', 'parameter_missing', 'forbidden');

/** Changing a delivery: not found (or not yours), a move its state refuses, a courier report that does not add up. */
export const deliveryChangeErrors = errorSet('resource_missing', 'invalid_transition', 'parameter_invalid', 'parameter_missing', 'version_conflict');

/** A courier's step for a delivery that is not (or no longer) on its round. */
export const roundMembershipErrors = errorSet('not_on_round');

/** A new attempt after a failure: a slot full or gone, a day in the past. */
export const rescheduleErrors = errorSet('resource_missing', 'invalid_transition', 'parameter_invalid', 'parameter_missing', 'slot_full');

/** A change that takes no input (unassign, check in at the hub): not found, not now, or raced. */
export const plainChangeErrors = errorSet('resource_missing', 'invalid_transition', 'version_conflict');

/** A courier's pickup of a delivery through the hub before its parcels are all checked in there. */
export const hubGuardErrors = errorSet('not_at_hub');

/** Turning a direct delivery into two legs through the hub: not found, not booked any more, already through the hub, or raced. */
export const viaHubErrors = errorSet('resource_missing', 'invalid_transition', 'version_conflict');
