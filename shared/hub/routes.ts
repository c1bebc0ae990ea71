import { Depot, DepotBody } from './depot.js';
import { geocodingErrors } from '../geo/errors.js';
import { HubCapacity, ServiceArea } from '../geo/service-area.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { RateCard } from '../pricing/rate-card.js';
import { IdParam } from '../schemas/common.js';
import { RateCardView } from './schemas.js';
import { hubErrors } from './errors.js';

/** Rate cards, service area and capacity: what pricing reads. */
export const hubRoutes = {
  putTenantRateCard: defineRoute({
    method: 'PUT',
    path: '/v1/tenants/{id}/rate-card',
    roles: ['admin'],
    handler: 'functions/hub/put-tenant-rate-card.ts',
    summary: "Sets a tenant's own rates (cooperative members often have their own); the hub default applies otherwise.",
    tag: 'Rates and area',
    request: { params: IdParam, body: RateCard },
    responses: { 200: { description: "The tenant's rate card.", schema: RateCardView } },
    errors: [hubErrors],
  }),
  getTenantRateCard: defineRoute({
    method: 'GET',
    path: '/v1/tenants/{id}/rate-card',
    roles: ['admin', 'tenant'],
    handler: 'functions/hub/get-tenant-rate-card.ts',
    summary: 'The rates that apply to a tenant: its own, or the hub default (`source` says which).',
    tag: 'Rates and area',
    request: { params: IdParam },
    responses: { 200: { description: 'The rate card in force.', schema: RateCardView } },
    errors: [hubErrors],
  }),
  getHubRateCard: defineRoute({
    method: 'GET',
    path: '/v1/hub/rate-card',
    roles: ['admin', 'tenant', 'accountant'],
    handler: 'functions/hub/get-hub-rate-card.ts',
    summary: "The hub's default rate card.",
    tag: 'Rates and area',
    responses: { 200: { description: 'The default rate card.', schema: RateCardView } },
  }),
  putHubRateCard: defineRoute({
    method: 'PUT',
    path: '/v1/hub/rate-card',
    roles: ['admin'],
    handler: 'functions/hub/put-hub-rate-card.ts',
    summary: "Sets the hub's default rate card.",
    tag: 'Rates and area',
    request: { body: RateCard },
    responses: { 200: { description: 'The default rate card.', schema: RateCardView } },
  }),
  getServiceArea: defineRoute({
    method: 'GET',
    path: '/v1/hub/service-area',
    roles: ['admin', 'tenant', 'courier', 'accountant'],
    handler: 'functions/hub/get-service-area.ts',
    summary: 'The area the hub serves (GeoJSON Polygon or MultiPolygon, WGS 84).',
    tag: 'Rates and area',
    responses: { 200: { description: 'The service area.', schema: ServiceArea } },
  }),
  putServiceArea: defineRoute({
    method: 'PUT',
    path: '/v1/hub/service-area',
    roles: ['admin'],
    handler: 'functions/hub/put-service-area.ts',
    summary: 'Sets the area the hub serves: stops outside it get 422 `outside_service_area`.',
    tag: 'Rates and area',
    request: { body: ServiceArea },
    responses: { 200: { description: 'The service area.', schema: ServiceArea } },
  }),
  getCapacity: defineRoute({
    method: 'GET',
    path: '/v1/hub/capacity',
    roles: ['admin', 'tenant', 'courier', 'accountant'],
    handler: 'functions/hub/get-capacity.ts',
    summary: 'What one cargo bike carries: parcels beyond it get 422 `exceeds_capacity`.',
    tag: 'Rates and area',
    responses: { 200: { description: 'The capacity of one delivery.', schema: HubCapacity } },
  }),
  putCapacity: defineRoute({
    method: 'PUT',
    path: '/v1/hub/capacity',
    roles: ['admin'],
    handler: 'functions/hub/put-capacity.ts',
    summary: 'Sets the capacity of one delivery (one cargo-bike load).',
    tag: 'Rates and area',
    request: { body: HubCapacity },
    responses: { 200: { description: 'The capacity of one delivery.', schema: HubCapacity } },
  }),
  getDepot: defineRoute({
    method: 'GET',
    path: '/v1/hub/depot',
    roles: ['admin', 'courier', 'tenant'],
    handler: 'functions/hub/get-depot.ts',
    summary: "The hub's depot: where rounds start and end, and where failed parcels come back to.",
    tag: 'Hub and couriers',
    responses: { 200: { description: 'The depot.', schema: Depot } },
  }),
  putDepot: defineRoute({
    method: 'PUT',
    path: '/v1/hub/depot',
    roles: ['admin'],
    handler: 'functions/hub/put-depot.ts',
    summary: "Sets the hub's depot (geocoded when `lat`/`lng` are left out).",
    tag: 'Hub and couriers',
    request: { body: DepotBody },
    responses: { 200: { description: 'The depot.', schema: Depot } },
    errors: [geocodingErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
