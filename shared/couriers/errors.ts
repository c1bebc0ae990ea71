import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** Errors raised here: Reading or registering a courier. */
export const courierErrors = errorSet('resource_missing', 'invalid_transition');
/** Setting a shift: a courier that exists, times that make sense, no overlap. */
export const shiftErrors = errorSet('resource_missing', 'parameter_invalid', 'shift_overlap', 'address_not_geocoded');
/** Reporting a position: only during a shift. */
export const positionErrors = errorSet('parameter_invalid', 'off_shift');
