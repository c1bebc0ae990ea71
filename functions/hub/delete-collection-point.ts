import { apiHandler } from '../../shared/http/handler.js';
import { deleteCollectionPoint } from '../../shared/hub/collection-points.js';
import { hubRoutes } from '../../shared/hub/routes.js';

export const handler = apiHandler(hubRoutes.deleteCollectionPoint, async ({ params }) => ({ status: 200, body: await deleteCollectionPoint(params.id) }));
