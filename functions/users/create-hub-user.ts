import { apiHandler } from '../../shared/http/handler.js';
import { userRoutes } from '../../shared/users/routes.js';
import { createHubUser } from '../../shared/users/service.js';

export const handler = apiHandler(userRoutes.createHubUser, async ({ body, principal }) => ({ status: 201, body: await createHubUser(principal, body) }));
