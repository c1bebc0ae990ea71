import { assertHubAccounting } from '../../shared/auth/access.js';
import { importBankStatement } from '../../shared/billing/bank-statements.js';
import { billingRoutes } from '../../shared/billing/routes.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(billingRoutes.importBankStatement, async ({ rawBody, headers, principal }) => {
  assertHubAccounting(principal);
  return { status: 201, body: await importBankStatement(rawBody, headers['content-type']) };
});
