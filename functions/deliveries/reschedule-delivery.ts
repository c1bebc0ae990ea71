import { rescheduleDelivery } from '../../shared/deliveries/lifecycle.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { apiHandler } from '../../shared/http/handler.js';
import { getDepot } from '../../shared/hub/depot.js';
import { responseLanguage } from '../../shared/i18n/language.js';

export const handler = apiHandler(deliveryRoutes.rescheduleDelivery, async ({ params, body, principal, headers }) => ({
  status: 200,
  body: await rescheduleDelivery(principal, params.id, body, await getDepot(), responseLanguage(headers)),
}));
