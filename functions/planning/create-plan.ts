import { apiHandler } from '../../shared/http/handler.js';
import { planningRoutes } from '../../shared/planning/routes.js';
import { requestPlan } from '../../shared/planning/plans-service.js';

export const handler = apiHandler(planningRoutes.createPlan, async ({ body }) => ({ status: 202, body: await requestPlan(body) }));
