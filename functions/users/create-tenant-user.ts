import { apiHandler } from '../../shared/http/handler.js';
import { userRoutes } from '../../shared/users/routes.js';
import { inviteTenantUser } from '../../shared/users/service.js';

export const handler = apiHandler(userRoutes.createTenantUser, async ({ params, body, principal }) => ({ status: 201, body: await inviteTenantUser(principal, params.id, body) }));
