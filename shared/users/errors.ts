import { errorSet } from '../errors.js';

/** Errors raised here: Inviting, listing and removing people. */
export const userErrors = errorSet('resource_missing', 'forbidden', 'invalid_transition');

/** Errors raised here: Signing in by an e-mailed link. */
export const signInErrors = errorSet('invalid_sign_in_link');
