import { apiHandler } from '../../shared/http/handler.js';
import { roundRoutes } from '../../shared/rounds/routes.js';
import { putRound } from '../../shared/rounds/service.js';

export const handler = apiHandler(roundRoutes.putRound, async ({ params, body }) => ({ status: 200, body: await putRound(params.id, params.date, body.stops, body.version) }));
