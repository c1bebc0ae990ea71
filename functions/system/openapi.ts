import { apiHandler } from '../../shared/http/handler.js';
import { openApiDocument } from '../../shared/app/openapi.js';
import { systemRoutes } from '../../shared/system/routes.js';

export const handler = apiHandler(systemRoutes.openapi, async () => ({
  status: 200,
  body: openApiDocument(),
  headers: { 'cache-control': 'public, max-age=300' },
}));
