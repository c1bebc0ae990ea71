import { tenantOf } from '../../shared/auth/access.js';
import { bookDelivery } from '../../shared/deliveries/booking.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { responseLanguage } from '../../shared/i18n/language.js';

export const handler = apiHandler(deliveryRoutes.createDelivery, async ({ body, principal, headers }) => ({
  status: 201,
  body: await bookDelivery(tenantOf(principal), body, new Date(), { language: responseLanguage(headers) }),
}));
