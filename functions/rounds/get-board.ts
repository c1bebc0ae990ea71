import { parisDateOf } from '../../shared/deliveries/day.js';
import { apiHandler } from '../../shared/http/handler.js';
import { responseLanguage } from '../../shared/i18n/language.js';
import { roundRoutes } from '../../shared/rounds/routes.js';
import { boardOf } from '../../shared/rounds/service.js';

export const handler = apiHandler(roundRoutes.getBoard, async ({ query, headers }) => {
  const now = new Date();
  return { status: 200, body: await boardOf(query.date ?? parisDateOf(now), now, responseLanguage(headers)) };
});
