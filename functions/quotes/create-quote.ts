import { tenantOf } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { createQuote } from '../../shared/quotes/service.js';

export const handler = apiHandler(routes.createQuote, async ({ body, principal }) => ({ status: 201, body: await createQuote(tenantOf(principal), body) }));
