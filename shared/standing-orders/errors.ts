import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** A standing order's recurrence, dates, windows and closures: what cannot be booked from. */
export const standingOrderErrors = errorSet('parameter_invalid', 'parameter_missing', 'rrule_invalid', 'rrule_too_frequent', 'rrule_empty');
/** Reading one: not found, or another tenant's (the same answer). */
export const standingOrderReadErrors = errorSet('resource_missing');
/** Listing: a filter that does not fit the caller. */
export const standingOrderListErrors = errorSet('parameter_invalid', 'forbidden');
/** Changing one (edit, pause, resume, end): not found, ended already, or changed meanwhile. */
export const standingOrderChangeErrors = errorSet('resource_missing', 'parameter_invalid', 'invalid_transition', 'version_conflict');
/** One occurrence: not an occurrence of the order, or its delivery has gone too far to change it. */
export const occurrenceErrors = errorSet('resource_missing', 'parameter_invalid', 'invalid_transition', 'version_conflict');
/** A change that takes no input (pause, resume, restore): not found, not now, or raced. */
export const plainStateErrors = errorSet('resource_missing', 'invalid_transition', 'version_conflict');
/** Closures: a period that ends before it starts. */
export const closureErrors = errorSet('parameter_invalid');
