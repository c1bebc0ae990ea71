import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge, type Finding } from './acknowledgements.js';

/** How long a dead-letter queue keeps a message (SQS's maximum): two weeks to read, fix and redrive. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * The stack's one kind of dead-letter queue: encrypted, TLS only, messages kept two weeks, named
 * `delivery-hub-<stage>-<name>-dlq`. `why` acknowledges that it has no dead-letter queue itself.
 * Every queue of the stack is made here, and each gets a depth alarm (Observability).
 */
export function deadLetterQueue(scope: Construct, id: string, options: { stage: string; name: string; why: Finding }): Queue {
  const queue = new Queue(scope, id, {
    queueName: `delivery-hub-${options.stage}-${options.name}-dlq`,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DEAD_LETTER_RETENTION,
  });
  acknowledge(queue, options.why);
  return queue;
}
