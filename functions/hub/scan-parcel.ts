import { apiHandler } from '../../shared/http/handler.js';
import { hubRoutes } from '../../shared/hub/routes.js';
import { scanParcel } from '../../shared/hub/scans.js';

export const handler = apiHandler(hubRoutes.scanParcel, async ({ body, principal }) => ({ status: 200, body: await scanParcel(principal, body) }));
