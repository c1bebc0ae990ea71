import { apiHandler } from '../../shared/http/handler.js';
import { slotRoutes } from '../../shared/slots/routes.js';
import { putDaySlots } from '../../shared/slots/service.js';

export const handler = apiHandler(slotRoutes.putSlots, async ({ params, body }) => ({
  status: 200,
  body: { date: params.date, data: await putDaySlots(params.date, body) },
}));
