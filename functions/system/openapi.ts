import { apiHandler } from '../../shared/http/handler.js';
import { openApiDocument } from '../../shared/http/openapi.js';
import { routes } from '../../shared/http/routes.js';

export const handler = apiHandler(routes.openapi, async () => ({
  status: 200,
  body: openApiDocument(),
  headers: { 'cache-control': 'public, max-age=300' },
}));
