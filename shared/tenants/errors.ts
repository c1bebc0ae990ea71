import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** Errors raised here: Reading a tenant. */
export const tenantErrors = errorSet('resource_missing');

/** Errors raised here: A default pickup outside the service area. */
export const defaultPickupErrors = errorSet('outside_service_area');

/** Errors raised here: Writing to a tenant that does not exist. */
export const tenantRepositoryErrors = errorSet('resource_missing');
