import { roundRoutes } from '../../shared/rounds/routes.js';
import { apiHandler } from '../../shared/http/handler.js';
import { responseLanguage } from '../../shared/i18n/language.js';
import { unassignDelivery } from '../../shared/rounds/service.js';

export const handler = apiHandler(roundRoutes.unassignDelivery, async ({ params, principal, headers }) => ({
  status: 200,
  body: await unassignDelivery(principal, params.id, responseLanguage(headers)),
}));
