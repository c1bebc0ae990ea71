import { apiHandler } from '../../shared/http/handler.js';
import { systemRoutes } from '../../shared/system/routes.js';

export const handler = apiHandler(systemRoutes.health, async () => ({ status: 200, body: { status: 'ok' } }));
