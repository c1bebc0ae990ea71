import { assertTenantAccess } from '../../shared/auth/access.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { tenantRateCard } from '../../shared/hub/service.js';

export const handler = apiHandler(routes.getTenantRateCard, async ({ params, principal }) => {
  assertTenantAccess(principal, params.id, 'tenant');
  return { status: 200, body: await tenantRateCard(params.id) };
});
