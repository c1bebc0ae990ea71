/**
 * Every key of the table is built here, and only here (ElectroDB's lesson: no key strings
 * concatenated across the code base). Rule: the tenant id leads every key of tenant data
 * (`T#<tenantId>#...`), so a repository cannot reach a tenant's items without that tenant's id.
 */
const tenantRoot = (tenantId: string) => `T#${tenantId}`;

export const keys = {
  tenant: (tenantId: string) => ({ pk: tenantRoot(tenantId), sk: 'TENANT' }),
  /** All tenants, newest last (ULIDs sort by creation time). Few items: one partition is fine. */
  tenantListing: (tenantId: string) => ({ gsi1pk: 'TENANTS', gsi1sk: tenantId }),
  tenantListingPartition: () => ({ gsi1pk: 'TENANTS' }),

  /** API keys are found by the hash of the secret: one GetItem per authenticated request. */
  apiKeyByHash: (secretHash: string) => ({ pk: `APIKEY#${secretHash}`, sk: 'APIKEY' }),
  /** The keys issued to one owner (a tenant, a courier, the hub), for listing and revocation. */
  apiKeyListing: (ownerId: string, keyId: string) => ({ gsi1pk: `KEYS#${ownerId}`, gsi1sk: keyId }),

  courier: (courierId: string) => ({ pk: `COURIER#${courierId}`, sk: 'COURIER' }),
  courierListing: (courierId: string) => ({ gsi1pk: 'COURIERS', gsi1sk: courierId }),

  /** Stored responses of create requests, per caller scope (a tenant id, or `hub`). */
  idempotency: (scope: string, keyHash: string) => ({ pk: `${tenantRoot(scope)}#IDEM#${keyHash}`, sk: 'IDEM' }),

  /** The events a tenant's data went through, newest last; written by the audit-trail consumer. */
  tenantEvent: (tenantId: string, eventId: string) => ({ pk: `${tenantRoot(tenantId)}#EVENTS`, sk: eventId }),
  tenantEventPartition: (tenantId: string) => ({ pk: `${tenantRoot(tenantId)}#EVENTS` }),

  /** Events a consumer kept failing on (local bus; in AWS they sit in the rule's SQS dead-letter queue). */
  deadLetter: (failedAt: string, rule: string, eventId: string) => ({ pk: 'HUB#DEADLETTERS', sk: `${failedAt}#${rule}#${eventId}` }),
  deadLetterPartition: () => ({ pk: 'HUB#DEADLETTERS' }),

  /** Hub-wide singletons (bootstrap markers, settings). */
  hubSetting: (name: string) => ({ pk: 'HUB', sk: `SETTING#${name}` }),
} as const;
