import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';

export const handler = apiHandler(routes.health, async () => ({ status: 200, body: { status: 'ok' } }));
