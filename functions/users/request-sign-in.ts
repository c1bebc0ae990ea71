import { apiHandler } from '../../shared/http/handler.js';
import { userRoutes } from '../../shared/users/routes.js';
import { requestSignIn } from '../../shared/users/service.js';

export const handler = apiHandler(userRoutes.requestSignIn, async ({ body, sourceIp }) => ({ status: 202, body: await requestSignIn(body.email, sourceIp) }));
