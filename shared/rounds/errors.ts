import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** Reading or ordering a round: the courier must exist, the order must hold together and fit the vehicle. */
export const roundErrors = errorSet('resource_missing', 'parameter_invalid', 'invalid_transition', 'over_capacity', 'version_conflict', 'forbidden');
/** Reading a round: the courier must exist (a malformed path is a 404 too). */
export const roundReadErrors = errorSet('resource_missing');
/** Assigning one delivery: a courier that exists, a round that fits the vehicle. */
export const assignErrors = errorSet('resource_missing', 'over_capacity');
