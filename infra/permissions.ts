import { configurationOnly, type Capability } from '../shared/capabilities.js';

/**
 * What the stack grants a function through its execution role, as data: the key functions share
 * a role by. Two functions with the same profile get the same statements (the table's data, then
 * each capability's grant), so one role and one policy serve them all; a function whose grants
 * are its own (the outbox relay: the table stream, its failure queue, the bus) keeps a role of its
 * own and has no profile here.
 *
 * Every function also writes its own logs (AWSLambdaBasicExecutionRole) and traces (X-Ray); those
 * are the same for all, so they are not part of the key.
 */
export interface PermissionProfile {
  /** Item-level read and write on the table and its indexes (`tableDataActions` in the stack). */
  tableData: boolean;
  /**
   * The capabilities of the function's definition, as `needsOf` returns them (sorted, no repeats).
   * The configuration-only ones (`configurationOnly`) give the function their environment but
   * grant nothing, so they are not part of the key.
   */
  needs: readonly Capability[];
}

/** The profile of the outbox relay, whose role is its own (stream read, failure queue, PutEvents). */
export const OUTBOX_RELAY_PROFILE = 'outbox-relay';

/**
 * `data`, `no-data`, `data+sendEmail`, `data+publishEvents+stripeSecrets`…: the profile's key,
 * which also names its role (`ExecutionRoleDataSendEmail`). The capabilities are the declared
 * ones, not what they grant in a given stage: `sendEmail` grants nothing without an SES identity,
 * yet keeps its role, so configuring one later adds a statement to that role instead of moving
 * functions between roles.
 */
export function permissionProfileKey(profile: PermissionProfile): string {
  const needs = [...new Set(profile.needs)].filter((capability) => !configurationOnly.has(capability)).sort();
  return [profile.tableData ? 'data' : 'no-data', ...needs].join('+');
}
