import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { putDaySlots } from '../../shared/slots/service.js';

export const handler = apiHandler(routes.putSlots, async ({ params, body }) => ({
  status: 200,
  body: { date: params.date, data: await putDaySlots(params.date, body) },
}));
