import { auditRoutes } from '../audit/routes.js';
import { billingRoutes } from '../billing/routes.js';
import { courierRoutes } from '../couriers/routes.js';
import { deliveryRoutes } from '../deliveries/routes.js';
import { hubRoutes } from '../hub/routes.js';
import { notificationRoutes } from '../notifications/routes.js';
import { quoteRoutes } from '../quotes/routes.js';
import { slotRoutes } from '../slots/routes.js';
import { tenantRoutes } from '../tenants/routes.js';
import { trackingRoutes } from '../tracking/routes.js';
import { webhookRoutes } from '../webhooks/routes.js';
import { integrationRoutes } from '../integrations/routes.js';
import type { RouteDefinition } from '../http/route.js';
import { systemRoutes } from '../system/routes.js';
import { userRoutes } from '../users/routes.js';
import { geoRoutes } from '../geo/routes.js';
import { proofRoutes } from '../proofs/routes.js';
import { roundRoutes } from '../rounds/routes.js';
import { planningRoutes } from '../planning/routes.js';
import { standingOrderRoutes } from '../standing-orders/routes.js';
import { labelRoutes } from '../labels/routes.js';
import { impactRoutes } from '../impact/routes.js';

/**
 * THE route table, in the composition root (`shared/app/`: the one place that imports every
 * area). Each area declares its routes beside its domain (`shared/<area>/routes.ts`); this object
 * is the one list the CDK stack, the local runtime and the OpenAPI document are made from. Add
 * an endpoint in its area's file, list the area here if it is new, then write its handler module
 * in `functions/<area>/`. A handler imports its own area's routes (`deliveryRoutes.getDelivery`).
 */
export const routes = {
  ...systemRoutes,
  ...tenantRoutes,
  ...auditRoutes,
  ...courierRoutes,
  ...hubRoutes,
  ...quoteRoutes,
  ...deliveryRoutes,
  ...slotRoutes,
  ...billingRoutes,
  ...webhookRoutes,
  ...trackingRoutes,
  ...notificationRoutes,
  ...integrationRoutes,
  ...userRoutes,
  ...geoRoutes,
  ...proofRoutes,
  ...roundRoutes,
  ...planningRoutes,
  ...standingOrderRoutes,
  ...labelRoutes,
  ...impactRoutes,
} as const satisfies Record<string, RouteDefinition>;

export type RouteName = keyof typeof routes;

export { fallbackRoute } from '../system/routes.js';
