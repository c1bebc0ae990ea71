import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { ErrorBody } from '../schemas/common.js';
import type { RouteDefinition } from './route.js';
import { routes } from './routes.js';

const errorResponses = (route: RouteDefinition) => {
  const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBody } } });
  return {
    // Only a body or a query can be invalid: path parameters of the wrong shape name nothing (404).
    ...(route.request?.body || route.request?.query ? { 400: error('Invalid request: see `code` and `param`.') } : {}),
    ...(route.roles === 'public' ? {} : { 401: error('Missing or unknown API key.'), 403: error('The key\'s role may not call this endpoint.') }),
    ...(route.request?.params ? { 404: error('No such resource (or not yours).') } : {}),
    ...(route.idempotent ? { 409: error('Idempotency-Key reused with another request, or still in progress.') } : {}),
    ...(route.request?.body ? { 413: error('Body over 256 KiB.'), 415: error('Body is not JSON.') } : {}),
    500: error('Our fault; quote the requestId.'),
  };
};

function operation(route: RouteDefinition): ZodOpenApiOperationObject {
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => [
      status,
      {
        description: response.description,
        ...(response.schema ? { content: { [response.contentType ?? 'application/json']: { schema: response.schema } } } : {}),
      },
    ]),
  );
  return {
    summary: route.summary,
    tags: [route.tag],
    operationId: Object.entries(routes).find(([, candidate]) => candidate === route)?.[0],
    security: route.roles === 'public' ? [] : [{ apiKey: [] }],
    ...(route.roles === 'public' ? {} : { description: `Roles: ${route.roles.join(', ')}.` }),
    requestParams: {
      ...(route.request?.params ? { path: route.request.params as never } : {}),
      ...(route.request?.query ? { query: route.request.query as never } : {}),
      ...(route.idempotent ? { header: idempotencyHeader as never } : {}),
    },
    ...(route.request?.body ? { requestBody: { content: { 'application/json': { schema: route.request.body } } } } : {}),
    responses: { ...errorResponses(route), ...responses },
  };
}

const idempotencyHeader = z.object({
  'Idempotency-Key': z.string().min(1).max(255).optional().meta({ description: 'Makes a retried create safe: the first answer is replayed for 24 h at least.' }),
});

let cached: ReturnType<typeof createDocument> | undefined;

/** The OpenAPI 3.1 document, generated from the route table and its zod schemas (built once per process). */
export function openApiDocument(): ReturnType<typeof createDocument> {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const route of Object.values(routes) as RouteDefinition[]) {
    const pathItem = (paths[route.path] ??= {}) as Record<string, ZodOpenApiOperationObject>;
    pathItem[route.method.toLowerCase()] = operation(route);
  }
  cached = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Delivery hub API',
      version: '1.0.0',
      description: 'The shared last-mile delivery API of the bike-courier cooperative. Money in integer cents (EUR), times in UTC.',
    },
    components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`.' } } },
    paths,
  });
  return cached;
}
