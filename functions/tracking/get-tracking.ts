import { apiHandler } from '../../shared/http/handler.js';
import { trackingRoutes } from '../../shared/tracking/routes.js';
import { trackingNotFound, trackingRequest } from '../../shared/tracking/service.js';

export const handler = apiHandler(trackingRoutes.getTracking, async ({ params, sourceIp }) => {
  const view = await trackingRequest(params.token, sourceIp);
  if (!view) throw trackingNotFound();
  return { status: 200, body: view };
});
