import { assertHubAccounting } from '../../shared/auth/access.js';
import { assertBillablePeriod, runBilling, runIdForRequest } from '../../shared/billing/service.js';
import { apiHandler } from '../../shared/http/handler.js';
import { assertSellerReadyToInvoice } from '../../shared/billing/seller.js';
import { config } from '../../shared/config.js';
import { billingRoutes } from '../../shared/billing/routes.js';

export const handler = apiHandler(billingRoutes.createBillingRun, async ({ body, headers, principal }) => {
  assertHubAccounting(principal);
  const now = new Date();
  // Before the run id is reserved for this key: a refused period leaves nothing behind.
  await assertBillablePeriod(body.period, now);
  // Likewise: in prod, no invoice with a placeholder seller (503; the key is released, so the same request runs once it is fixed).
  assertSellerReadyToInvoice(config.stage);
  const runId = await runIdForRequest(headers['idempotency-key'], body.period, now);
  return { status: 201, body: await runBilling({ period: body.period, trigger: 'api', now, ...(runId ? { runId } : {}) }) };
});
