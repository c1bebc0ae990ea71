import { buildOpenApiDocument } from '../http/openapi.js';
import { routes } from './routes.js';

let cached: ReturnType<typeof buildOpenApiDocument> | undefined;

/** The API's OpenAPI 3.1 document, made from the route table once per process. */
export function openApiDocument(): ReturnType<typeof buildOpenApiDocument> {
  cached ??= buildOpenApiDocument(routes);
  return cached;
}
