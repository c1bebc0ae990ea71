import { cancelDelivery } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { responseLanguage } from '../../shared/i18n/language.js';

export const handler = apiHandler(deliveryRoutes.cancelDelivery, async ({ params, body, principal, headers }) => ({
  status: 200,
  body: await cancelDelivery(principal, params.id, body.reason, responseLanguage(headers)),
}));
