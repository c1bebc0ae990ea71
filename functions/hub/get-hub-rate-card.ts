import { apiHandler } from '../../shared/http/handler.js';
import { hubRoutes } from '../../shared/hub/routes.js';
import { hubRateCard } from '../../shared/hub/service.js';

export const handler = apiHandler(hubRoutes.getHubRateCard, async () => ({ status: 200, body: await hubRateCard() }));
