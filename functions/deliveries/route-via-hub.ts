import { routeThroughHub } from '../../shared/deliveries/via-hub.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { apiHandler } from '../../shared/http/handler.js';
import { responseLanguage } from '../../shared/i18n/language.js';

export const handler = apiHandler(deliveryRoutes.routeViaHub, async ({ params, body, principal, headers }) => ({
  status: 200,
  body: await routeThroughHub(principal, params.id, body.firstLeg ?? 'courier', responseLanguage(headers)),
}));
