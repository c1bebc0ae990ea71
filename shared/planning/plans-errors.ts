import { errorSet } from '../errors.js';

/** The plans of the day: asked for, read, applied. */
export const planErrors = errorSet('resource_missing', 'parameter_invalid', 'invalid_transition', 'plan_outdated');
/** Reading a plan. */
export const planReadErrors = errorSet('resource_missing');
/** Applying a plan: it must exist, be ready, and still fit the day. */
export const applyPlanErrors = errorSet('resource_missing', 'invalid_transition', 'plan_outdated', 'over_capacity', 'version_conflict');
