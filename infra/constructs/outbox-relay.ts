import { Duration } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { outboxRelay as OutboxRelayDefinition } from '../../shared/events/rule.js';
import { pascalCase } from '../bundling.js';
import { acknowledged } from './acknowledgements.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import type { LambdaFunctions } from './functions.js';
import { StackLayer, uniqueIdWithoutLayers } from './layer.js';

/**
 * The outbox relay: the table's stream, filtered to new outbox items, put on the bus in order.
 * The only function that puts events; a role of its own (no table data: the stream brings the
 * outbox items, and the event source grants the stream read and its failure queue).
 */
export class OutboxRelay extends StackLayer {
  readonly function: NodejsFunction;
  /** The on-failure destination of the event source mapping: stream batches never published. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: { stage: string; table: Table; bus: IEventBus; relay: typeof OutboxRelayDefinition; functions: LambdaFunctions }) {
    super(scope, id);
    const { relay } = props;
    const relayId = pascalCase(relay.name);
    this.function = props.functions.create(this, `${relayId}Fn`, {
      entry: relay.handler,
      serves: `table stream ${relay.name}`,
      wildcard: acknowledged.relayWildcard,
    });
    props.bus.grantPutEventsTo(this.function);
    this.deadLetterQueue = deadLetterQueue(this, `${relayId}DeadLetterQueue`, { stage: props.stage, name: relay.name, why: acknowledged.relayFailureQueue });
    // What `DynamoEventSource` makes, under the ID it had before the stack had layers: a mapping
    // under a new ID would be a new mapping, reading the stream again from its trim horizon.
    this.function.addEventSourceMapping(`DynamoDBEventSource:${uniqueIdWithoutLayers(props.table)}`, {
        eventSourceArn: props.table.tableStreamArn!,
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: relay.batchSize,
        filters: [FilterCriteria.filter(relay.filter)],
        // The handler reports the first record it could not publish; the stream retries from there.
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        // Retry until the record is older than maxRecordAge: an event is late rather than lost.
        retryAttempts: -1,
        maxRecordAge: Duration.seconds(relay.maximumRecordAgeSeconds),
        // One batch per shard at a time: events of one item reach the bus in the order written.
        parallelizationFactor: 1,
        // What could never be published leaves a record (the shard and sequence range to replay
        // from the outbox items, which the table keeps for a week).
        onFailure: new SqsDlq(this.deadLetterQueue),
    });
    props.table.grantStreamRead(this.function);
  }
}
