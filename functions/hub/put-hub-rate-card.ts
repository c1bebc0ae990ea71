import { apiHandler } from '../../shared/http/handler.js';
import { hubRoutes } from '../../shared/hub/routes.js';
import { setHubRateCard } from '../../shared/hub/service.js';

export const handler = apiHandler(hubRoutes.putHubRateCard, async ({ body }) => ({ status: 200, body: await setHubRateCard(body) }));
