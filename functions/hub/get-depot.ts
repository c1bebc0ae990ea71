import { apiHandler } from '../../shared/http/handler.js';
import { getDepot } from '../../shared/hub/depot.js';
import { hubRoutes } from '../../shared/hub/routes.js';

export const handler = apiHandler(hubRoutes.getDepot, async () => ({ status: 200, body: await getDepot() }));
