import { apiHandler } from '../../shared/http/handler.js';
import { listCollectionPoints } from '../../shared/hub/collection-points.js';
import { hubRoutes } from '../../shared/hub/routes.js';

export const handler = apiHandler(hubRoutes.listCollectionPoints, async ({ query }) => ({ status: 200, body: await listCollectionPoints(query) }));
