import { courierRoutes } from '../../shared/couriers/routes.js';
import { listShifts } from '../../shared/couriers/service.js';
import { parisDateOf } from '../../shared/deliveries/day.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(courierRoutes.listShifts, async ({ params, query }) => {
  const data = await listShifts(params.id, query.from, query.to, parisDateOf(new Date()));
  return { status: 200, body: { data, hasMore: false, nextCursor: null } };
});
