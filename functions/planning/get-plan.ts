import { apiHandler } from '../../shared/http/handler.js';
import { planningRoutes } from '../../shared/planning/routes.js';
import { getPlan } from '../../shared/planning/plans-service.js';

export const handler = apiHandler(planningRoutes.getPlan, async ({ params }) => ({ status: 200, body: await getPlan(params.id) }));
