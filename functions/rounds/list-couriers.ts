import { roundRoutes } from '../../shared/rounds/routes.js';
import { parisDateOf } from '../../shared/deliveries/day.js';
import { apiHandler } from '../../shared/http/handler.js';
import { couriersOfDay } from '../../shared/rounds/service.js';

export const handler = apiHandler(roundRoutes.listCouriers, async ({ query }) => {
  const now = new Date();
  return { status: 200, body: await couriersOfDay(query.date ?? parisDateOf(now), query, now) };
});
