import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** Errors raised here: A billing run for a period outside the billable range. */
export const billingRunErrors = errorSet('parameter_invalid');

/** Errors raised here: A Stripe webhook whose signature does not verify. */
export const stripeSignatureErrors = errorSet('invalid_signature');

/** Errors raised here: Reading an invoice. */
export const invoiceErrors = errorSet('resource_missing');
