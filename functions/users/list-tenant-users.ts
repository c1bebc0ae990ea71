import { apiHandler } from '../../shared/http/handler.js';
import { userRoutes } from '../../shared/users/routes.js';
import { listTenantUsers } from '../../shared/users/service.js';

export const handler = apiHandler(userRoutes.listTenantUsers, async ({ params, principal }) => ({
  status: 200,
  body: { data: await listTenantUsers(principal, params.id), hasMore: false, nextCursor: null },
}));
