import { listInvoices } from '../../shared/billing/service.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';

export const handler = apiHandler(routes.listInvoices, async ({ query }) => ({
  status: 200,
  body: await listInvoices(query.period, query.tenantId, query),
}));
