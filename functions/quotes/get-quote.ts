import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { responseLanguage } from '../../shared/i18n/language.js';
import { getQuote } from '../../shared/quotes/service.js';

export const handler = apiHandler(deliveryRoutes.getQuote, async ({ params, principal, headers }) => ({
  status: 200,
  body: await getQuote(tenantOf(principal), params.id, responseLanguage(headers)),
}));
