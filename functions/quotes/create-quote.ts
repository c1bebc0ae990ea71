import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { responseLanguage } from '../../shared/i18n/language.js';
import { createQuote } from '../../shared/quotes/service.js';

export const handler = apiHandler(deliveryRoutes.createQuote, async ({ body, principal, headers }) => ({
  status: 201,
  body: await createQuote(tenantOf(principal), body, responseLanguage(headers)),
}));
