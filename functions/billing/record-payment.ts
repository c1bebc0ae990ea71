import { assertHubAccounting, booksScope } from '../../shared/auth/access.js';
import { findReadableInvoice } from '../../shared/billing/invoices.js';
import { recordPayment } from '../../shared/billing/payments.js';
import { billingRoutes } from '../../shared/billing/routes.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(billingRoutes.recordPayment, async ({ params, body, principal }) => {
  const scope = booksScope(principal);
  // A tenant's keys: another tenant's invoice is the same 404 as a missing one; their own is read only.
  if (scope.kind === 'tenant') await findReadableInvoice(scope, params.id);
  assertHubAccounting(principal);
  return { status: 201, body: await recordPayment(params.id, body) };
});
