import { apiHandler } from '../../shared/http/handler.js';
import { planningRoutes } from '../../shared/planning/routes.js';
import { listPlans } from '../../shared/planning/plans-service.js';

export const handler = apiHandler(planningRoutes.listPlans, async ({ query }) => ({ status: 200, body: await listPlans(query.date) }));
