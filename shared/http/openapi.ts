import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { errorCatalogue, type ErrorCode } from '../errors.js';
import { ErrorBody } from '../schemas/common.js';
import { routeErrorsByStatus, type RouteDefinition } from './route.js';

/**
 * The error shape (the `Error` component), with `type` and `code` narrowed to the codes of one
 * status of one route. Written as JSON Schema rather than zod: built for every status of every
 * route, it would make generating the document (a cold start of its function) much slower.
 */
function errorSchemaOf(codes: readonly ErrorCode[]) {
  const types = [...new Set(codes.map((code) => errorCatalogue[code].type))];
  return {
    allOf: [
      { $ref: '#/components/schemas/Error' },
      { type: 'object' as const, properties: { error: { type: 'object' as const, properties: { type: { type: 'string' as const, enum: types }, code: { type: 'string' as const, enum: [...codes] } } } } },
    ],
  };
}

/** One response per error status the route can answer, naming its codes and what each means. */
const errorResponses = (route: RouteDefinition) =>
  Object.fromEntries(
    [...routeErrorsByStatus(route)].map(([status, codes]) => [
      status,
      {
        description: codes.map((code) => `\`${code}\`: ${errorCatalogue[code].means}`).join(' '),
        content: { 'application/json': { schema: errorSchemaOf(codes) } },
      },
    ]),
  );

function operation(name: string, route: RouteDefinition): ZodOpenApiOperationObject {
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => [
      status,
      {
        description: response.description,
        ...(response.schema ? { content: { [response.contentType ?? 'application/json']: { schema: response.schema }, ...Object.fromEntries(Object.entries(response.alternatives ?? {}).map(([type, schema]) => [type, { schema }])) } } : {}),
      },
    ]),
  );
  return {
    summary: route.summary,
    tags: [route.tag],
    operationId: name,
    security: route.roles === 'public' ? [] : [{ apiKey: [] }],
    ...(route.roles === 'public' ? {} : { description: `Roles: ${route.roles.join(', ')}.` }),
    requestParams: {
      ...(route.request?.params ? { path: route.request.params as never } : {}),
      ...(route.request?.query ? { query: route.request.query as never } : {}),
      ...(route.idempotent ? { header: idempotencyHeader as never } : {}),
      ...(route.request?.headers ? { header: route.request.headers as never } : {}),
    },
    ...(route.request?.body ? { requestBody: { content: { 'application/json': { schema: route.request.body } } } } : {}),
    ...(route.request?.rawBody
      ? {
          requestBody: {
            description: route.request.rawBody.description,
            content: Object.fromEntries((route.request.rawBody.mediaTypes ?? ['application/json']).map((mediaType) => [mediaType, { schema: route.request?.rawBody?.schema }])),
          },
        }
      : {}),
    responses: { ...errorResponses(route), ...responses },
  };
}

const idempotencyHeader = z.object({
  'Idempotency-Key': z.string().min(1).max(255).optional().meta({ description: 'Makes a retried create safe: the first answer is replayed for 24 h at least.' }),
});

/** The OpenAPI 3.1 document of a route table, from its zod schemas (`shared/app/openapi.ts` builds the API's, once per process). */
export function buildOpenApiDocument(routes: Readonly<Record<string, RouteDefinition>>): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const [name, route] of Object.entries(routes)) {
    const pathItem = (paths[route.path] ??= {}) as Record<string, ZodOpenApiOperationObject>;
    pathItem[route.method.toLowerCase()] = operation(name, route);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Delivery hub API',
      version: '1.0.0',
      description: 'The shared last-mile delivery API of the bike-courier cooperative. Money in integer cents (EUR), times in UTC.',
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`.' } },
      // The general shape of every error; each operation's responses narrow `code` to what it can answer.
      schemas: { Error: ErrorBody },
    },
    paths,
  });
}
