import { apiHandler } from '../../shared/http/handler.js';
import { userRoutes } from '../../shared/users/routes.js';
import { removeUser } from '../../shared/users/service.js';

export const handler = apiHandler(userRoutes.deleteUser, async ({ params, principal }) => {
  await removeUser(principal, params.id);
  return { status: 204 };
});
