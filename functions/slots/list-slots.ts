import { apiHandler } from '../../shared/http/handler.js';
import { slotRoutes } from '../../shared/slots/routes.js';
import { listDaySlots } from '../../shared/slots/service.js';

export const handler = apiHandler(slotRoutes.listSlots, async ({ query }) => ({ status: 200, body: { date: query.date, data: await listDaySlots(query.date) } }));
