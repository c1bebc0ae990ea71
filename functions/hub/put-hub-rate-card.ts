import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { setHubRateCard } from '../../shared/hub/service.js';

export const handler = apiHandler(routes.putHubRateCard, async ({ body }) => ({ status: 200, body: await setHubRateCard(body) }));
