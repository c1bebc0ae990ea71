import { apiHandler } from '../../shared/http/handler.js';
import { hubRoutes } from '../../shared/hub/routes.js';
import { hubSettings } from '../../shared/hub/settings.js';

export const handler = apiHandler(hubRoutes.putCapacity, async ({ body }) => {
  await hubSettings.putCapacity(body);
  return { status: 200, body };
});
