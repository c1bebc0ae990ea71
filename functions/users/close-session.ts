import { clearedSessionCookie, revokeSession } from '../../shared/auth/sessions.js';
import { apiHandler } from '../../shared/http/handler.js';
import { userRoutes } from '../../shared/users/routes.js';

export const handler = apiHandler(userRoutes.closeSession, async ({ session }) => {
  if (session) await revokeSession(session.tokenHash);
  return { status: 204, cookies: [clearedSessionCookie()] };
});
