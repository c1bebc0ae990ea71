import { assertTenantAccess } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { hubRoutes } from '../../shared/hub/routes.js';
import { tenantRateCard } from '../../shared/hub/service.js';

export const handler = apiHandler(hubRoutes.getTenantRateCard, async ({ params, principal }) => {
  assertTenantAccess(principal, params.id, 'tenant');
  return { status: 200, body: await tenantRateCard(params.id) };
});
