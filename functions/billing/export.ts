import { assertHubAccounting } from '../../shared/auth/access.js';
import { exportPeriod } from '../../shared/billing/invoices.js';
import { apiHandler } from '../../shared/http/handler.js';
import { billingRoutes } from '../../shared/billing/routes.js';

export const handler = apiHandler(billingRoutes.exportBilling, async ({ query, principal }) => {
  assertHubAccounting(principal);
  const file = await exportPeriod(query.period, query.format);
  return { status: 200, contentType: file.contentType, headers: { 'content-disposition': `attachment; filename="${file.fileName}"` }, body: file.body };
});
