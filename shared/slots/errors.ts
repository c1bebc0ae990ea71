import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** Errors raised here: A local time the clocks skip, or a date out of range. */
export const localTimeErrors = errorSet('parameter_invalid');

/** Errors raised here: Setting a day's slots. */
export const slotErrors = errorSet('parameter_invalid', 'slot_has_bookings');
