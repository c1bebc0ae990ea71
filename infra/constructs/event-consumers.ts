import { Duration } from 'aws-cdk-lib';
import { Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { EventRule } from '../../shared/events/rule.js';
import { pascalCase } from '../bundling.js';
import { needsOf } from '../capabilities.js';
import { toCdkEventPattern } from '../event-pattern.js';
import { acknowledged } from './acknowledgements.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import type { LambdaFunctions } from './functions.js';
import { StackLayer } from './layer.js';

/**
 * One EventBridge rule per event rule of the composition root, each with its single-purpose
 * consumer function (table access and the rule's `needs`) and its dead-letter queue.
 */
export class EventConsumers extends StackLayer {
  /** By rule name. */
  readonly functions: Readonly<Record<string, NodejsFunction>>;
  /** By rule name. */
  readonly deadLetterQueues: Readonly<Record<string, Queue>>;

  constructor(scope: Construct, id: string, props: { stage: string; bus: IEventBus; rules: readonly EventRule[]; functions: LambdaFunctions }) {
    super(scope, id);
    const functions: Record<string, NodejsFunction> = {};
    const deadLetterQueues: Record<string, Queue> = {};
    for (const rule of props.rules) {
      const ruleId = pascalCase(rule.name);
      // Consumers record what happened; they publish nothing unless their rule needs publishEvents.
      const consumer = props.functions.create(this, `${ruleId}ConsumerFn`, {
        entry: rule.target.handler,
        serves: `event rule ${rule.name}`,
        timeoutSeconds: rule.target.timeoutSeconds,
        memoryMb: rule.target.memoryMb,
        profile: { tableData: true, needs: needsOf(rule.target) },
      });
      const queue = deadLetterQueue(this, `${ruleId}DeadLetterQueue`, { stage: props.stage, name: rule.name, why: acknowledged.deadLetterQueue });
      new Rule(this, `${ruleId}Rule`, {
        eventBus: props.bus,
        ruleName: rule.name,
        description: rule.description,
        eventPattern: toCdkEventPattern(rule.pattern),
        targets: [
          new LambdaFunction(consumer, {
            retryAttempts: rule.target.retryAttempts,
            maxEventAge: Duration.seconds(rule.target.maximumEventAgeSeconds),
            deadLetterQueue: queue,
          }),
        ],
      });
      functions[rule.name] = consumer;
      deadLetterQueues[rule.name] = queue;
    }
    this.functions = functions;
    this.deadLetterQueues = deadLetterQueues;
  }
}
