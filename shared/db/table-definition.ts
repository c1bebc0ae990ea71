/**
 * The single DynamoDB table, described once. The CDK stack (infra/stack.ts) and the local
 * runtime (infra/local/dynamodb.ts) both build the table from this description.
 *
 * Index attributes are generic (`gsiNpk`/`gsiNsk`) so each entity can use them for its own
 * access patterns; each entity's declaration in its area's repository (`defineEntity` in
 * shared/db/entity.ts) says which of its patterns fills which index.
 */
export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
}

export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  globalSecondaryIndexes: [
    /** Main listings: all tenants, a tenant's keys, a tenant's deliveries (newest first). */
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** A tenant's deliveries in one status. */
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /** The hub's deliveries in one status (the operator's assignment queue). */
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    /** A courier's open deliveries. */
    { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
    /** Lookup by public id when the tenant is not known yet (admin and courier reads). */
    { name: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi5sk' },
    /** The hub's deliveries of one day (the dispatch board). */
    { name: 'gsi6', partitionKey: 'gsi6pk', sortKey: 'gsi6sk' },
  ] as const satisfies readonly IndexDefinition[],
  /** Epoch seconds; DynamoDB deletes the item some time after (reads still check expiry). */
  timeToLiveAttribute: 'ttl',
  /** The outbox relay reads the table's stream (new images are enough). */
  streamViewType: 'NEW_IMAGE',
  /** Every attribute used as a key is a string. */
  keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'gsi4pk', 'gsi4sk', 'gsi5pk', 'gsi5sk', 'gsi6pk', 'gsi6sk'] as const,
} as const;

export type IndexName = (typeof tableDefinition.globalSecondaryIndexes)[number]['name'];
