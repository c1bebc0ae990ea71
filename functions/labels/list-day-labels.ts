import { apiHandler } from '../../shared/http/handler.js';
import { labelRoutes } from '../../shared/labels/routes.js';
import { dayLabels } from '../../shared/labels/service.js';

export const handler = apiHandler(labelRoutes.listDayLabels, async ({ query, principal }) => {
  const file = await dayLabels(principal, query.date, query.format);
  return { status: 200, contentType: 'application/pdf', headers: { 'content-disposition': `inline; filename="${file.fileName}"` }, body: file.body };
});
