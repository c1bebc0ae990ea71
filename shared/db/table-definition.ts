/**
 * The single DynamoDB table, described once. The CDK stack (infra/stack.ts) and the local
 * runtime (infra/local/dynamodb.ts) both build the table from this description.
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
    /** Listings: "all tenants", "a tenant's API keys", later "a tenant's deliveries by date". */
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ] as const satisfies readonly IndexDefinition[],
  /** Epoch seconds; DynamoDB deletes the item some time after (reads still check expiry). */
  timeToLiveAttribute: 'ttl',
  /** Every attribute used as a key is a string. */
  keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const,
} as const;

export type IndexName = (typeof tableDefinition.globalSecondaryIndexes)[number]['name'];
