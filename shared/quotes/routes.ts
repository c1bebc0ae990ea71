import { accessErrors } from '../auth/errors.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { IdParam } from '../schemas/common.js';
import { pricedRequestErrors, quoteErrors } from './errors.js';
import { Quote, QuoteRequest } from './schemas.js';

/** Quotes: a price held 15 minutes, booked once. */
export const quoteRoutes = {
  createQuote: defineRoute({
    method: 'POST',
    path: '/v1/quotes',
    roles: ['tenant'],
    handler: 'functions/quotes/create-quote.ts',
    summary: 'Prices a delivery. The quote holds its price for 15 minutes and books once.',
    tag: 'Quotes',
    idempotent: true,
    request: { body: QuoteRequest },
    responses: { 201: { description: 'The quote.', schema: Quote } },
    errors: [...pricedRequestErrors],
  }),
  getQuote: defineRoute({
    method: 'GET',
    path: '/v1/quotes/{id}',
    roles: ['tenant'],
    handler: 'functions/quotes/get-quote.ts',
    summary: 'Reads a quote (`status`: open, booked or expired).',
    tag: 'Quotes',
    request: { params: IdParam },
    responses: { 200: { description: 'The quote.', schema: Quote } },
    errors: [accessErrors, quoteErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
