import { booksScope } from '../../shared/auth/access.js';
import { listPayments } from '../../shared/billing/payments.js';
import { billingRoutes } from '../../shared/billing/routes.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(billingRoutes.listPayments, async ({ query, principal }) => ({
  status: 200,
  body: await listPayments(booksScope(principal), { invoiceId: query.invoiceId, period: query.period, tenantId: query.tenantId }, query),
}));
