import { apiHandler } from '../../shared/http/handler.js';
import { hubRoutes } from '../../shared/hub/routes.js';
import { hubSettings } from '../../shared/hub/settings.js';

export const handler = apiHandler(hubRoutes.putServiceArea, async ({ body }) => {
  await hubSettings.putServiceArea(body);
  return { status: 200, body };
});
