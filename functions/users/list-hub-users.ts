import { apiHandler } from '../../shared/http/handler.js';
import { userRoutes } from '../../shared/users/routes.js';
import { listHubUsers } from '../../shared/users/service.js';

export const handler = apiHandler(userRoutes.listHubUsers, async () => ({ status: 200, body: { data: await listHubUsers(), hasMore: false, nextCursor: null } }));
