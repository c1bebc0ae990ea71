import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { hubSettings } from '../../shared/hub/settings.js';

export const handler = apiHandler(routes.putServiceArea, async ({ body }) => {
  await hubSettings.putServiceArea(body);
  return { status: 200, body };
});
