import { exportPeriod } from '../../shared/billing/service.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';

export const handler = apiHandler(routes.exportBilling, async ({ query }) => {
  const file = await exportPeriod(query.period, query.format);
  return { status: 200, contentType: file.contentType, headers: { 'content-disposition': `attachment; filename="${file.fileName}"` }, body: file.body };
});
