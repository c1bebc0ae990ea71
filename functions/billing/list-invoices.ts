import { listInvoices } from '../../shared/billing/invoices.js';
import { apiHandler } from '../../shared/http/handler.js';
import { billingRoutes } from '../../shared/billing/routes.js';

export const handler = apiHandler(billingRoutes.listInvoices, async ({ query }) => ({
  status: 200,
  body: await listInvoices(query.period, query.tenantId, query),
}));
