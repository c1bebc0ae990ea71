import { assertHubAccounting } from '../../shared/auth/access.js';
import { listStatementLines } from '../../shared/billing/bank-statements.js';
import { billingRoutes } from '../../shared/billing/routes.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(billingRoutes.listStatementLines, async ({ query, principal }) => {
  assertHubAccounting(principal);
  return { status: 200, body: await listStatementLines({ statementId: query.statementId }, query) };
});
