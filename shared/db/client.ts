import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let documentClient: DynamoDBDocumentClient | undefined;

/**
 * One document client per process, created on first use (so the local runtime can set the
 * endpoint first). The endpoint comes from `AWS_ENDPOINT_URL_DYNAMODB` when set: production
 * code is the same everywhere.
 */
export function db(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return documentClient;
}

/** Tests and the local runtime swap the client (e.g. to count round trips). */
export function setDb(client: DynamoDBDocumentClient | undefined): void {
  documentClient = client;
}
