import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { quoteRoutes } from '../../shared/quotes/routes.js';
import { responseLanguage } from '../../shared/i18n/language.js';
import { createQuote } from '../../shared/quotes/service.js';

export const handler = apiHandler(quoteRoutes.createQuote, async ({ body, principal, headers }) => ({
  status: 201,
  body: await createQuote(tenantOf(principal), body, responseLanguage(headers)),
}));
