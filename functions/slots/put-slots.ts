import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { putDaySlots } from '../../shared/slots/service.js';

export const handler = apiHandler(deliveryRoutes.putSlots, async ({ params, body }) => ({
  status: 200,
  body: { date: params.date, data: await putDaySlots(params.date, body) },
}));
