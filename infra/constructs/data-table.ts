import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { tableDefinition } from '../../shared/db/table-definition.js';
import { StackLayer } from './layer.js';

/**
 * What a data function may do on the table. Written out rather than `grantReadWriteData`, which
 * also grants `Scan` (the code never scans) and `<table>/index/*`; here each index of the table
 * definition is named, so no wildcard resource remains.
 */
export const tableDataActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  // TransactWriteItems is authorised item by item: Put/Update/Delete above, plus condition checks.
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * The single table, from `shared/db/table-definition.ts` (the one definition the local runtime
 * creates too): on demand, point-in-time recovery, TTL, the stream the outbox relay reads, kept
 * when the stack is deleted or the table replaced, deletion-protected in prod.
 */
export class DataTable extends StackLayer {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: { stage: string }) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: props.stage === 'prod',
      stream: StreamViewType[tableDefinition.streamViewType],
    });
    for (const index of tableDefinition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }
  }

  /** `tableDataActions` on the table and each of its indexes, by name. */
  dataStatement(): PolicyStatement {
    return new PolicyStatement({
      actions: [...tableDataActions],
      resources: [this.table.tableArn, ...tableDefinition.globalSecondaryIndexes.map((index) => `${this.table.tableArn}/index/${index.name}`)],
    });
  }
}
