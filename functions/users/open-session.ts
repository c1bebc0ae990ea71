import { sessionCookie } from '../../shared/auth/sessions.js';
import { apiHandler } from '../../shared/http/handler.js';
import { userRoutes } from '../../shared/users/routes.js';
import { openSession } from '../../shared/users/service.js';

export const handler = apiHandler(userRoutes.openSession, async ({ body }) => {
  const { token, session, user } = await openSession(body.token);
  return {
    status: 201,
    cookies: [sessionCookie(token)],
    body: { object: 'session', user, csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt * 1000).toISOString() },
  };
});
