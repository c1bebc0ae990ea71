import { apiHandler } from '../../shared/http/handler.js';
import { hubRoutes } from '../../shared/hub/routes.js';
import { setTenantRateCard } from '../../shared/hub/service.js';

export const handler = apiHandler(hubRoutes.putTenantRateCard, async ({ params, body }) => ({ status: 200, body: await setTenantRateCard(params.id, body) }));
