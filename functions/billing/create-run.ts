import { runBilling, runIdForRequest } from '../../shared/billing/service.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';

export const handler = apiHandler(routes.createBillingRun, async ({ body, headers }) => {
  const now = new Date();
  const runId = await runIdForRequest(headers['idempotency-key'], body.period, now);
  return { status: 201, body: await runBilling({ period: body.period, trigger: 'api', now, ...(runId ? { runId } : {}) }) };
});
