import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** A delivery's labels: not found (or another tenant's), or cancelled (409 `delivery_cancelled`). */
export const deliveryLabelErrors = errorSet('resource_missing', 'delivery_cancelled');

/** A day's labels: nothing to print that day (404). */
export const dayLabelErrors = errorSet('resource_missing');
