import { runStandingOrders } from '../../shared/standing-orders/runner.js';
import type { RunResult } from '../../shared/standing-orders/schemas.js';

/** The daily schedule's target (`shared/standing-orders/schedule.ts`): books every active standing order's horizon, each day exactly once. */
export const handler = async (): Promise<RunResult> => runStandingOrders(new Date());
