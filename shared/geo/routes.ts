import * as z from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { Latitude, Longitude } from '../schemas/common.js';
import { geocodingErrors } from './errors.js';

const AddressCandidate = z
  .object({ label: z.string(), line1: z.string(), postcode: z.string(), city: z.string(), lat: Latitude, lng: Longitude, score: z.number() })
  .meta({ id: 'AddressCandidate' });

/** Addresses: searching them through the geocoder port. */
export const geoRoutes = {
  searchAddresses: defineRoute({
    method: 'GET',
    path: '/v1/addresses',
    roles: ['admin', 'tenant'],
    handler: 'functions/geo/search-addresses.ts',
    summary: 'Addresses matching what was typed, best first, through the address service when the hub has one (`searchAvailable` says so; without it the list is empty).',
    tag: 'Rates and area',
    request: { query: z.strictObject({ q: z.string().trim().min(3).max(200), limit: z.coerce.number().int().min(1).max(10).default(5) }) },
    responses: {
      200: {
        description: 'The candidates.',
        schema: z.object({ data: z.array(AddressCandidate), hasMore: z.literal(false), nextCursor: z.null(), searchAvailable: z.boolean() }),
      },
    },
    errors: [geocodingErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
