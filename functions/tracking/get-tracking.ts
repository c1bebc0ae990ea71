import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { trackingNotFound, trackingRequest } from '../../shared/tracking/service.js';

export const handler = apiHandler(routes.getTracking, async ({ params, sourceIp }) => {
  const view = await trackingRequest(params.token, sourceIp);
  if (!view) throw trackingNotFound();
  return { status: 200, body: view };
});
