import { booksScope } from '../../shared/auth/access.js';
import { listCreditNotes } from '../../shared/billing/credit-notes.js';
import { billingRoutes } from '../../shared/billing/routes.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(billingRoutes.listCreditNotes, async ({ query, principal }) => ({
  status: 200,
  body: await listCreditNotes(booksScope(principal), { invoiceId: query.invoiceId, period: query.period, tenantId: query.tenantId }, query),
}));
