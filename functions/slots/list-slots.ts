import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { listDaySlots } from '../../shared/slots/service.js';

export const handler = apiHandler(deliveryRoutes.listSlots, async ({ query }) => ({ status: 200, body: { date: query.date, data: await listDaySlots(query.date) } }));
