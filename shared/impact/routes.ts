import * as z from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { impactErrors } from './errors.js';
import { ImpactQuery, ImpactReport } from './schemas.js';

/** What cycle logistics brings: deliveries, kilometres ridden, CO2e avoided against a diesel van. */
export const impactRoutes = {
  getImpact: defineRoute({
    method: 'GET',
    path: '/v1/impact',
    // Like the books: a tenant (and its bookkeeper) its own; the hub's admins and accountant the whole hub or one tenant.
    roles: ['tenant', 'admin', 'accountant'],
    handler: 'functions/impact/get-impact.ts',
    summary:
      "The impact report of a month (`month=YYYY-MM`) or a year (`year=YYYY`: a row per month and the totals, for funders): deliveries delivered, failed attempts, parcels, kilometres ridden on the applied rounds (road distances with the router, else straight lines × the cycling detour factor: `method` says which), and the CO2e a diesel light van would have emitted over them (`factor` cites it). A tenant's kilometres are the share of its stops on each round. JSON, or CSV with `format=csv` or `Accept: text/csv` (`detail=rounds`: the hub's rounds, one row each).",
    tag: 'Impact',
    request: { query: ImpactQuery },
    responses: { 200: { description: 'The report (JSON), or its rows as CSV.', schema: ImpactReport, alternatives: { 'text/csv': z.string() } } },
    errors: [impactErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
