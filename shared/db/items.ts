import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

/** One write of a TransactWriteItems: a Put, an Update, a Delete or a ConditionCheck. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
