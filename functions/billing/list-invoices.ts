import { booksScope } from '../../shared/auth/access.js';
import { listInvoices } from '../../shared/billing/invoices.js';
import { billingRoutes } from '../../shared/billing/routes.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(billingRoutes.listInvoices, async ({ query, principal }) => ({
  status: 200,
  body: await listInvoices(booksScope(principal), { period: query.period, status: query.status, tenantId: query.tenantId }, query),
}));
