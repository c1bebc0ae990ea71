import { listCourierDeliveries } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { responseLanguage } from '../../shared/i18n/language.js';

export const handler = apiHandler(deliveryRoutes.listCourierDeliveries, async ({ query, principal, headers }) => ({
  status: 200,
  body: await listCourierDeliveries(principal, query, responseLanguage(headers)),
}));
