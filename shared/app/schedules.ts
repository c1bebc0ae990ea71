import type { ScheduleDefinition } from '../schedule.js';
import { billingSchedules } from '../billing/schedule.js';
import { webhookSchedules } from '../webhooks/schedule.js';
import { standingOrderSchedules } from '../standing-orders/schedule.js';

/** Every schedule, from every area: the stack makes an EventBridge Scheduler schedule of each, the local runtime a timer. */
export const schedules: readonly ScheduleDefinition[] = [...billingSchedules, ...webhookSchedules, ...standingOrderSchedules];
