import { apiHandler } from '../../shared/http/handler.js';
import { roundRoutes } from '../../shared/rounds/routes.js';
import { getRound } from '../../shared/rounds/service.js';

export const handler = apiHandler(roundRoutes.getRound, async ({ params }) => ({ status: 200, body: await getRound(params.id, params.date) }));
