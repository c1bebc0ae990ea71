import { returnToHub } from '../../shared/deliveries/lifecycle.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { apiHandler } from '../../shared/http/handler.js';
import { responseLanguage } from '../../shared/i18n/language.js';

export const handler = apiHandler(deliveryRoutes.returnToHub, async ({ params, principal, headers }) => ({
  status: 200,
  body: await returnToHub(principal, params.id, responseLanguage(headers)),
}));
