import { apiHandler } from '../../shared/http/handler.js';
import { roundRoutes } from '../../shared/rounds/routes.js';
import { reportPosition } from '../../shared/rounds/service.js';

export const handler = apiHandler(roundRoutes.reportPosition, async ({ body, principal }) => ({ status: 200, body: await reportPosition(principal, body) }));
