import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { listDaySlots } from '../../shared/slots/service.js';

export const handler = apiHandler(routes.listSlots, async ({ query }) => ({ status: 200, body: { date: query.date, data: await listDaySlots(query.date) } }));
