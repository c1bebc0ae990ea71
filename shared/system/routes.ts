import * as z from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';

/** The API's own endpoints: health and the OpenAPI document. */
export const systemRoutes = {
  health: defineRoute({
    method: 'GET',
    path: '/health',
    roles: 'public',
    readsData: false,
    handler: 'functions/system/health.ts',
    summary: 'Answers 200 once the API can serve.',
    tag: 'System',
    responses: { 200: { description: 'The API is up.', schema: z.object({ status: z.literal('ok') }) } },
  }),
  openapi: defineRoute({
    method: 'GET',
    path: '/v1/openapi.json',
    roles: 'public',
    readsData: false,
    handler: 'functions/system/openapi.ts',
    summary: 'This document: the OpenAPI 3.1 description of the API.',
    tag: 'System',
    responses: { 200: { description: 'The OpenAPI document.', schema: z.record(z.string(), z.unknown()) } },
  }),
} as const satisfies Record<string, RouteDefinition>;

/** Answers every request no route matches, in the contract's error shape (API Gateway's `$default`). */
export const fallbackRoute = {
  handler: 'functions/system/not-found.ts',
} as const;
