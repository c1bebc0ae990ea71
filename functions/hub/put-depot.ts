import { apiHandler } from '../../shared/http/handler.js';
import { setDepot } from '../../shared/hub/depot.js';
import { hubRoutes } from '../../shared/hub/routes.js';

export const handler = apiHandler(hubRoutes.putDepot, async ({ body }) => ({ status: 200, body: await setDepot(body) }));
