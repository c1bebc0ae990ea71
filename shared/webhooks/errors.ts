import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** Errors raised here: A webhook URL the hub may not call. */
export const webhookUrlErrors = errorSet('parameter_invalid');

/** Errors raised here: Webhook endpoints and messages: not found, or a disabled endpoint. */
export const webhookErrors = errorSet('invalid_transition', 'resource_missing');
