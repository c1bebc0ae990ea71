import { defineEntity } from '../db/entity.js';
import type { StoredPlan } from './plans.js';

/** Plans are kept a month (DynamoDB deletes them after). */
const PLAN_TTL_SECONDS = 30 * 86_400;

/** A plan, by id; a day's plans on gsi1, newest first. */
export const plans = defineEntity<StoredPlan, Pick<StoredPlan, 'id'>>({
  name: 'plan',
  key: ({ id }) => ({ pk: `PLAN#${id}`, sk: 'PLAN' }),
  indexes: ({ date, id }) => ({ gsi1pk: `PLANS#${date}`, gsi1sk: id }),
  ttl: ({ createdAt }) => Math.floor(Date.parse(createdAt) / 1000) + PLAN_TTL_SECONDS,
});

