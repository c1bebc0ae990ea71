import { apiHandler } from '../../shared/http/handler.js';
import { userRoutes } from '../../shared/users/routes.js';
import { me } from '../../shared/users/service.js';

export const handler = apiHandler(userRoutes.getMe, async ({ principal, session }) => ({ status: 200, body: await me(principal, session) }));
