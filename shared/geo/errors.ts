import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** Errors raised here: Parcels beyond one cargo bike's capacity. */
export const capacityErrors = errorSet('exceeds_capacity');

/** Errors raised here: Locating an address: not found, or the address service does not answer (GeocoderUnavailableError, answered 503). */
export const geocodingErrors = errorSet('address_not_geocoded', 'upstream_unavailable');
