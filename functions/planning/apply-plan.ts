import { apiHandler } from '../../shared/http/handler.js';
import { planningRoutes } from '../../shared/planning/routes.js';
import { applyPlan } from '../../shared/planning/plans-service.js';

export const handler = apiHandler(planningRoutes.applyPlan, async ({ params, principal }) => ({ status: 200, body: await applyPlan(principal, params.id) }));
