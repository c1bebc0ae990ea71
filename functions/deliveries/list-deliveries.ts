import { listDeliveries } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { responseLanguage } from '../../shared/i18n/language.js';

export const handler = apiHandler(deliveryRoutes.listDeliveries, async ({ query, principal, headers }) => ({
  status: 200,
  body: await listDeliveries(principal, { status: query.status, tenantId: query.tenantId, from: query.from, to: query.to }, query, responseLanguage(headers)),
}));
