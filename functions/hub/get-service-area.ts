import { apiHandler } from '../../shared/http/handler.js';
import { hubRoutes } from '../../shared/hub/routes.js';
import { hubDefaults } from '../../shared/hub/settings.js';

export const handler = apiHandler(hubRoutes.getServiceArea, async () => ({ status: 200, body: (await hubDefaults()).serviceArea }));
