import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { hubRateCard } from '../../shared/hub/service.js';

export const handler = apiHandler(routes.getHubRateCard, async () => ({ status: 200, body: await hubRateCard() }));
