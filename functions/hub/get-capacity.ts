import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { hubDefaults } from '../../shared/hub/settings.js';

export const handler = apiHandler(routes.getCapacity, async () => ({ status: 200, body: (await hubDefaults()).capacity }));
