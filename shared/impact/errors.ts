import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** The impact report: a period missing, doubled or in the future (400), another tenant (404), a tenant asking for the hub's rounds (403). */
export const impactErrors = errorSet('parameter_missing', 'parameter_invalid', 'resource_missing', 'forbidden');
