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

/** Errors raised here: Listing invoices. */
export const invoiceListErrors = errorSet('parameter_invalid', 'parameter_missing');

/** Errors raised here: Recording a payment on an invoice. */
export const paymentErrors = errorSet('resource_missing', 'amount_too_large', 'parameter_invalid', 'invalid_transition');

/** Errors raised here: Issuing a credit note. */
export const creditNoteErrors = errorSet('resource_missing', 'amount_too_large', 'parameter_invalid', 'invalid_transition');

/** Errors raised here: Importing a bank statement. */
export const statementErrors = errorSet('statement_malformed', 'statement_unsupported', 'currency_not_supported', 'payload_too_large');

/** Errors raised here: What the hub's accounting alone may do, and the books a tenant's key may read. */
export const booksAccessErrors = errorSet('forbidden', 'resource_missing');

/**
 * Errors raised here: Issuing invoices in prod while the seller's identity (`shared/billing/seller.ts`)
 * still holds placeholders or invalid identifiers. Routes that issue invoices list this set.
 */
export const sellerIdentityErrors = errorSet('seller_identity_incomplete');
