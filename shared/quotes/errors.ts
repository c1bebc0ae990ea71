import { accessErrors } from '../auth/errors.js';
import { errorSet } from '../errors.js';
import { capacityErrors, geocodingErrors } from '../geo/errors.js';
import { priceErrors } from '../pricing/errors.js';
import { tenantErrors } from '../tenants/errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** Errors raised here: Pricing a request: a stop outside the service area, a window that does not add up. */
export const pricingErrors = errorSet('outside_service_area', 'parameter_invalid');

/** Errors raised here: Reading a quote. */
export const quoteErrors = errorSet('resource_missing');

/** Errors raised here: Completing a request's stops with the tenant's own place. */
export const stopErrors = errorSet('parameter_missing', 'address_not_geocoded');

/** What pricing a request may answer: its stops, their place in the area, the parcels' weight and size. */
export const pricedRequestErrors = [accessErrors, tenantErrors, stopErrors, geocodingErrors, pricingErrors, priceErrors, capacityErrors] as const;
