import { errorSet } from '../errors.js';

/** The plans of the day: asked for, read, applied. */
export const planErrors = errorSet('resource_missing', 'parameter_invalid', 'invalid_transition', 'plan_outdated');
/** Reading a plan. */
export const planReadErrors = errorSet('resource_missing');
