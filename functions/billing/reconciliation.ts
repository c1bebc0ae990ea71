import { assertHubAccounting } from '../../shared/auth/access.js';
import { reconciliationCsv } from '../../shared/billing/exports.js';
import { reconcile } from '../../shared/billing/reconciliation.js';
import { apiHandler } from '../../shared/http/handler.js';
import { billingRoutes } from '../../shared/billing/routes.js';
import { wants } from '../../shared/billing/negotiate.js';
import { responseLanguage } from '../../shared/i18n/language.js';

export const handler = apiHandler(billingRoutes.getReconciliation, async ({ query, headers, principal }) => {
  assertHubAccounting(principal);
  const reconciliation = await reconcile(query.period);
  if (wants(query.format, headers.accept, 'csv', 'text/csv')) {
    const language = responseLanguage(headers);
    return {
      status: 200,
      contentType: 'text/csv; charset=utf-8',
      headers: { 'content-disposition': `attachment; filename="reconciliation-${query.period}.csv"`, 'content-language': language },
      body: reconciliationCsv(reconciliation, language),
    };
  }
  return { status: 200, body: reconciliation };
});
