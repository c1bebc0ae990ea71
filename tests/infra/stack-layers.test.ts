import { describe, expect, it } from 'vitest';
import { DataTable } from '../../infra/constructs/data-table.js';
import { StackLayer } from '../../infra/constructs/layer.js';
import { synth, type Resource } from './template-helpers.js';

/**
 * The stack is made of parts (`infra/constructs/`), but a deployed stack must update in place:
 * CloudFormation replaces a resource whose logical ID changes, and a replaced table is a new empty
 * table (the old one, retained, is orphaned), a replaced named queue or bus fails the deployment
 * or deletes the queue, a new stream mapping reads the whole stream again. These are the logical
 * IDs the stateful and named resources had when the stack was one constructor, as deployed.
 */
const deployedIds: Record<string, string[]> = {
  'AWS::DynamoDB::Table': ['TableCD117FA1'],
  'AWS::SecretsManager::Secret': ['StripeSecret80A38A68'],
  'AWS::Events::EventBus': ['EventBus7B8748AA'],
  'AWS::Events::Archive': ['EventBusArchive52248A77'],
  'AWS::ApiGatewayV2::Api': ['HttpApiF5A9A8A7'],
  'AWS::ApiGatewayV2::Stage': ['HttpApiDefaultStage3EEB07D6'],
  'AWS::SQS::Queue': [
    'AuditTrailDeadLetterQueue4E151686',
    'BillingLedgerDeadLetterQueueDAA12A41',
    'BillingStripePushDeadLetterQueueCA6B31C1',
    'WebhookDispatchDeadLetterQueue7E94C19D',
    'NotifyRecipientDeadLetterQueueF4D1DF41',
    'MonthlyBillingRunScheduleDeadLetterQueue7AC28925',
    'WebhookRetriesScheduleDeadLetterQueue7C9F340C',
    'OutboxRelayDeadLetterQueueD17DE7C8',
    // Added by the month end (issue 14): new consumers and the daily reminders.
    'BillingNotifyDeadLetterQueue596141DD',
    'BillingStripeCreditNotesDeadLetterQueueB37B7E85',
    'DailyPaymentRemindersScheduleDeadLetterQueue81E323DD',
    // Added by the route planner (issue 17): its two consumers.
    'PlanningSolveDeadLetterQueueD066701D',
    'PlanningProposeDeadLetterQueue5308A57E',
    // Added by standing orders (issue 18): the daily booking.
    'StandingOrdersScheduleDeadLetterQueue268CB09D',
    'StandingOrderNotifyDeadLetterQueue7272138A',
  ],
  'AWS::Events::Rule': [
    'AuditTrailRule0FBDF98D',
    'BillingLedgerRule2753D808',
    'BillingStripePushRule8B91CDE7',
    'WebhookDispatchRule0D25BD17',
    'NotifyRecipientRule769383CF',
    'BillingNotifyRuleEBD338FD',
    'BillingStripeCreditNotesRule973D05D8',
    'PlanningSolveRule1256D386',
    'PlanningProposeRule2CECCD44',
    'StandingOrderNotifyRule772D310C',
  ],
  'AWS::Scheduler::Schedule': ['MonthlyBillingRunScheduleB0B5DC5A', 'WebhookRetriesSchedule0746E2AD', 'DailyPaymentRemindersScheduleC3BCB5E5', 'StandingOrdersScheduleF1ECF909'],
  'AWS::Lambda::EventSourceMapping': ['OutboxRelayFnDynamoDBEventSourceDeliveryHubdevTable62CFE33B332ACEA9'],
  'AWS::KMS::Key': ['ObservabilityAlarmTopicKey48516DE9'],
  'AWS::SNS::Topic': ['ObservabilityAlarms72EB291A'],
  // Buckets keep their files only under their logical ID: the web app's, and the proof photos' (issue 16).
  'AWS::S3::Bucket': ['WebAppBucket8F6FA179', 'ProofPhotosBucketF054B324'],
};

describe('the stack as parts', () => {
  const s = synth();

  it('keeps the logical ID of every stateful or named resource it had before it had parts', () => {
    for (const [type, ids] of Object.entries(deployedIds)) {
      expect(Object.keys(s.resourcesOf(type)).sort(), type).toEqual([...ids].sort());
    }
  });

  it('is made of layers, each holding what its name says, and every queue is a dead-letter queue with an alarm', () => {
    const layers = s.stack.node.children.filter((child): child is StackLayer => child instanceof StackLayer);
    expect(layers.map((layer) => layer.node.id).sort()).toEqual(['Consumers', 'Data', 'Events', 'Gateway', 'Proofs', 'Relay', 'Routes', 'Schedules', 'Web']);
    const data = layers.find((layer): layer is DataTable => layer instanceof DataTable)!;
    expect(data.table).toBe(s.stack.table);
    const queues = Object.entries(s.resourcesOf('AWS::SQS::Queue')) as [string, Resource][];
    const alarms = Object.values(s.resourcesOf('AWS::CloudWatch::Alarm'));
    for (const [id, queue] of queues) {
      expect(queue.Properties, id).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      expect(queue.Properties.QueueName, id).toMatch(/^delivery-hub-dev-[a-z-]+-dlq$/);
      const watching = alarms.filter((alarm) => JSON.stringify(alarm.Properties.Dimensions ?? []).includes(`"${id}"`));
      expect(watching, `${id} has a depth alarm`).toHaveLength(1);
    }
  });
});
