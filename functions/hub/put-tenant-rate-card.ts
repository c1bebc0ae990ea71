import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { setTenantRateCard } from '../../shared/hub/service.js';

export const handler = apiHandler(routes.putTenantRateCard, async ({ params, body }) => ({ status: 200, body: await setTenantRateCard(params.id, body) }));
