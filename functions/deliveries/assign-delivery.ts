import { assignDelivery } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { responseLanguage } from '../../shared/i18n/language.js';

export const handler = apiHandler(deliveryRoutes.assignDelivery, async ({ params, body, principal, headers }) => ({
  status: 200,
  body: await assignDelivery(principal, params.id, body.courierId, responseLanguage(headers)),
}));
