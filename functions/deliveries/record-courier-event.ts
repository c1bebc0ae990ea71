import { recordCourierEvent } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { responseLanguage } from '../../shared/i18n/language.js';

export const handler = apiHandler(deliveryRoutes.courierEvent, async ({ params, body, principal, headers }) => ({
  status: 200,
  body: await recordCourierEvent(principal, params.id, body, responseLanguage(headers)),
}));
