import { apiHandler } from '../../shared/http/handler.js';
import { roundRoutes } from '../../shared/rounds/routes.js';
import { courierRoundOf } from '../../shared/rounds/service.js';

export const handler = apiHandler(roundRoutes.getCourierRound, async ({ query, principal }) => ({ status: 200, body: await courierRoundOf(principal, query.date) }));
