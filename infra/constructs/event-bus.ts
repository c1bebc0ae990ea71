import { Duration } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../shared/config.js';
import { StackLayer } from './layer.js';

/** The stage's bus (`delivery-hub-<stage>`), with an archive of every event of ours for a year (replays, investigations). */
export class DeliveryEventBus extends StackLayer {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: { stage: string }) {
    super(scope, id);
    this.bus = new EventBus(this, 'EventBus', { eventBusName: `delivery-hub-${props.stage}` });
    this.bus.archive('Archive', {
      description: `Every ${EVENT_SOURCE} event, for replays and investigations.`,
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(365),
    });
  }
}
