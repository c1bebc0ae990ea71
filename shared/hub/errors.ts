import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** Errors raised here: A tenant's settings: the tenant must exist. */
export const hubErrors = errorSet('resource_missing');

/** Collection points: the address cannot be located or is outside the area; an unknown point. */
export const collectionPointErrors = errorSet('resource_missing', 'outside_service_area');

/**
 * Scanning a parcel's label at the hub: not a label (400 `code`), another hub's (422), an unknown
 * delivery or parcel (404), a direct or cancelled delivery, a check-out before every parcel is in,
 * before the last leg is assigned, or by another courier (409), raced past the retries (409).
 */
export const scanErrors = errorSet('parameter_invalid', 'label_other_hub', 'resource_missing', 'not_via_hub', 'invalid_transition', 'not_at_hub', 'not_on_round', 'version_conflict');
