import { apiHandler } from '../../shared/http/handler.js';
import { createCollectionPoint } from '../../shared/hub/collection-points.js';
import { hubRoutes } from '../../shared/hub/routes.js';

export const handler = apiHandler(hubRoutes.createCollectionPoint, async ({ body }) => ({ status: 201, body: await createCollectionPoint(body) }));
