import { billingRoutes } from '../billing/routes.js';
import { courierRoutes } from '../couriers/routes.js';
import { deliveryRoutes } from '../deliveries/routes.js';
import { hubRoutes } from '../hub/routes.js';
import { notificationRoutes } from '../notifications/routes.js';
import { tenantRoutes } from '../tenants/routes.js';
import { trackingRoutes } from '../tracking/routes.js';
import { webhookRoutes } from '../webhooks/routes.js';
import { integrationRoutes } from '../integrations/routes.js';
import type { RouteDefinition } from './route.js';
import { systemRoutes } from './system-routes.js';

/**
 * THE route table. Each area declares its routes beside its domain (`shared/<area>/routes.ts`);
 * this object is the one list the CDK stack (one Lambda function and one API Gateway route per
 * entry), the local runtime and the OpenAPI document are made from. Add an endpoint in its
 * area's file, list the area here if it is new, then write its handler module. A handler imports
 * its own area's table (`deliveryRoutes.getDelivery`), not this one: a function then bundles only
 * its area's schemas.
 */
export const routes = {
  ...systemRoutes,
  ...tenantRoutes,
  ...courierRoutes,
  ...hubRoutes,
  ...deliveryRoutes,
  ...billingRoutes,
  ...webhookRoutes,
  ...trackingRoutes,
  ...notificationRoutes,
  ...integrationRoutes,
} as const satisfies Record<string, RouteDefinition>;

export type RouteName = keyof typeof routes;

/** Answers every request no route matches, in the contract's error shape (API Gateway's `$default`). */
export const fallbackRoute = {
  handler: 'functions/system/not-found.ts',
} as const;
