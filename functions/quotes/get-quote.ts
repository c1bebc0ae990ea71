import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { quoteRoutes } from '../../shared/quotes/routes.js';
import { responseLanguage } from '../../shared/i18n/language.js';
import { getQuote } from '../../shared/quotes/service.js';

export const handler = apiHandler(quoteRoutes.getQuote, async ({ params, principal, headers }) => ({
  status: 200,
  body: await getQuote(tenantOf(principal), params.id, responseLanguage(headers)),
}));
