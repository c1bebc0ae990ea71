import { assertBillablePeriod, runBilling, runIdForRequest } from '../../shared/billing/service.js';
import { apiHandler } from '../../shared/http/handler.js';
import { billingRoutes } from '../../shared/billing/routes.js';

export const handler = apiHandler(billingRoutes.createBillingRun, async ({ body, headers }) => {
  const now = new Date();
  // Before the run id is reserved for this key: a refused period leaves nothing behind.
  await assertBillablePeriod(body.period, now);
  const runId = await runIdForRequest(headers['idempotency-key'], body.period, now);
  return { status: 201, body: await runBilling({ period: body.period, trigger: 'api', now, ...(runId ? { runId } : {}) }) };
});
