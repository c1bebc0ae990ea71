import { defineRoute, type RouteDefinition } from '../http/route.js';
import { IdParam, listOf, PageQuery } from '../schemas/common.js';
import { Courier, CourierCreated, CreateCourierBody } from './schemas.js';
import { courierErrors } from './errors.js';

/** The hub's couriers: registration and the list the coordinator works from. */
export const courierRoutes = {
  createCourier: defineRoute({
    method: 'POST',
    path: '/v1/couriers',
    roles: ['admin'],
    handler: 'functions/couriers/create-courier.ts',
    summary: 'Registers a courier and issues its API key (shown once).',
    tag: 'Couriers',
    idempotent: true,
    request: { body: CreateCourierBody },
    responses: { 201: { description: 'The courier and its key.', schema: CourierCreated } },
  }),
  listCouriers: defineRoute({
    method: 'GET',
    path: '/v1/couriers',
    roles: ['admin'],
    handler: 'functions/couriers/list-couriers.ts',
    summary: "The hub's couriers, oldest first.",
    tag: 'Couriers',
    request: { query: PageQuery },
    responses: { 200: { description: 'A page of couriers.', schema: listOf(Courier) } },
  }),
  getCourier: defineRoute({
    method: 'GET',
    path: '/v1/couriers/{id}',
    roles: ['admin'],
    handler: 'functions/couriers/get-courier.ts',
    summary: 'One courier.',
    tag: 'Couriers',
    request: { params: IdParam },
    responses: { 200: { description: 'The courier.', schema: Courier } },
    errors: [courierErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
