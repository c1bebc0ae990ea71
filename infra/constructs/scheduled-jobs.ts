import { Duration, Stack, TimeZone, type CfnElement } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ScheduleDefinition } from '../../shared/schedule.js';
import { pascalCase } from '../bundling.js';
import { needsOf } from '../capabilities.js';
import { acknowledge, acknowledged } from './acknowledgements.js';
import { deadLetterQueue } from './dead-letter-queue.js';
import type { LambdaFunctions } from './functions.js';
import { StackLayer } from './layer.js';

/** Scheduled handlers sweep or bill in batches: a minute unless their schedule says more. */
const DEFAULT_SCHEDULE_TIMEOUT_SECONDS = 60;
/** Scheduler retries a failed invocation twice within the hour, then its dead-letter queue keeps it. */
const DEFAULT_SCHEDULE_RETRY_POLICY = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600 } as const;

/**
 * Handlers on a clock (webhook retries, the monthly billing run): an EventBridge Scheduler
 * schedule per definition, each with its function, a role that may invoke that function alone,
 * and a dead-letter queue.
 */
export class ScheduledJobs extends StackLayer {
  /** By schedule name. */
  readonly functions: Readonly<Record<string, NodejsFunction>>;
  /** By schedule name. */
  readonly deadLetterQueues: Readonly<Record<string, Queue>>;

  constructor(scope: Construct, id: string, props: { stage: string; schedules: readonly ScheduleDefinition[]; functions: LambdaFunctions }) {
    super(scope, id);
    const functions: Record<string, NodejsFunction> = {};
    const deadLetterQueues: Record<string, Queue> = {};
    for (const schedule of props.schedules) {
      const scheduleId = pascalCase(schedule.name);
      const fn = props.functions.create(this, `${scheduleId}ScheduledFn`, {
        entry: schedule.handler,
        serves: `schedule ${schedule.name}`,
        memoryMb: schedule.memoryMb,
        timeoutSeconds: schedule.timeoutSeconds ?? DEFAULT_SCHEDULE_TIMEOUT_SECONDS,
        profile: { tableData: true, needs: needsOf(schedule) },
      });
      const retry = schedule.retryPolicy ?? DEFAULT_SCHEDULE_RETRY_POLICY;
      const queue = deadLetterQueue(this, `${scheduleId}ScheduleDeadLetterQueue`, { stage: props.stage, name: `${schedule.name}-schedule`, why: acknowledged.deadLetterQueue });
      const role = new Role(this, `${scheduleId}SchedulerRole`, { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
      acknowledge(role, {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: 'The scheduler may invoke this one function (its versions and aliases are what `:*` covers), nothing else.',
      });
      new Schedule(this, `${scheduleId}Schedule`, {
        description: schedule.description,
        schedule: ScheduleExpression.expression(schedule.expression, schedule.timezone ? TimeZone.of(schedule.timezone) : undefined),
        target: new LambdaInvoke(fn, {
          retryAttempts: retry.maximumRetryAttempts,
          maxEventAge: Duration.seconds(retry.maximumEventAgeSeconds),
          deadLetterQueue: queue,
          role,
          ...(schedule.input ? { input: ScheduleTargetInput.fromObject(schedule.input) } : {}),
        }),
      });
      functions[schedule.name] = fn;
      deadLetterQueues[schedule.name] = queue;
    }
    this.functions = functions;
    this.deadLetterQueues = deadLetterQueues;
  }
}
