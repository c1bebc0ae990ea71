import { apiHandler } from '../../shared/http/handler.js';
import { userRoutes } from '../../shared/users/routes.js';
import { closeSession } from '../../shared/users/service.js';

export const handler = apiHandler(userRoutes.closeSession, async ({ session }) => {
  const { clearCookie } = await closeSession(session);
  return { status: 204, cookies: [clearCookie] };
});
