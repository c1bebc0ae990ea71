import { wants } from '../../shared/billing/negotiate.js';
import { apiHandler } from '../../shared/http/handler.js';
import { impactCsv } from '../../shared/impact/csv.js';
import { impactRoutes } from '../../shared/impact/routes.js';
import { impactReport } from '../../shared/impact/service.js';

export const handler = apiHandler(impactRoutes.getImpact, async ({ query, headers, principal }) => {
  const report = await impactReport(principal, query);
  if (!wants(query.format, headers.accept, 'csv', 'text/csv')) return { status: 200, body: report };
  const file = impactCsv(report, query.detail);
  return { status: 200, contentType: 'text/csv; charset=utf-8', headers: { 'content-disposition': `attachment; filename="${file.fileName}"` }, body: file.body };
});
