import * as z from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { TokenParam, TrackingPageQuery, TrackingView } from './schemas.js';
import { rateLimitErrors } from '../http/errors.js';
import { trackingErrors } from './errors.js';

/** Public tracking: the link is all a recipient or donor has (no key, no account). */
export const trackingRoutes = {
  getTracking: defineRoute({
    method: 'GET',
    path: '/v1/track/{token}',
    roles: 'public',
    handler: 'functions/tracking/get-tracking.ts',
    watched: true,
    summary: 'What a tracking link shows: status, timeline, ETA while under way, drop-off city. Nothing private. Rate-limited per link and per client address (429).',
    tag: 'Tracking',
    request: { params: TokenParam },
    responses: {
      200: { description: 'The tracking view.', schema: TrackingView },
    },
    errors: [trackingErrors, rateLimitErrors],
  }),
  trackingPage: defineRoute({
    method: 'GET',
    path: '/track/{token}',
    roles: 'public',
    handler: 'functions/tracking/tracking-page.ts',
    watched: true,
    summary: "The recipient's tracking page: small, mobile-first HTML without JavaScript, French by default, English with `?lang=en` or `Accept-Language`.",
    tag: 'Tracking',
    request: { params: TokenParam, query: TrackingPageQuery },
    responses: {
      200: { description: 'The page.', contentType: 'text/html', schema: z.string() },
      404: { description: 'The "link not found" page: unknown, expired or malformed link.', contentType: 'text/html', schema: z.string() },
    },
    errors: [rateLimitErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
