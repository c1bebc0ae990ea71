import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** Reading, deleting or rotating an integration: not found (or not yours), a rotation racing another. */
export const integrationErrors = errorSet('resource_missing', 'invalid_transition');

/** Creating an integration: a secret of the wrong kind. */
export const createIntegrationErrors = errorSet('parameter_invalid');

/** An order posted by a platform: unknown integration, bad signature, unreadable order. */
export const inboundErrors = errorSet('resource_missing', 'invalid_signature', 'malformed_json', 'parameter_missing');

/** Booking an order kept for review: booked already, or still not bookable (the reason's own code). */
export const orderFixErrors = errorSet('resource_missing', 'invalid_transition', 'upstream_unavailable', 'address_not_geocoded', 'outside_service_area', 'exceeds_capacity', 'parameter_invalid');
