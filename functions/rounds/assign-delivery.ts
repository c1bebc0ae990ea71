import { roundRoutes } from '../../shared/rounds/routes.js';
import { apiHandler } from '../../shared/http/handler.js';
import { responseLanguage } from '../../shared/i18n/language.js';
import { assignDelivery } from '../../shared/rounds/service.js';

export const handler = apiHandler(roundRoutes.assignDelivery, async ({ params, body, principal, headers }) => ({
  status: 200,
  body: await assignDelivery(principal, params.id, body.courierId, body.position, responseLanguage(headers)),
}));
