import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AppError } from '../../shared/errors.js';
import { errorResponse } from '../../shared/http/response.js';

/** API Gateway's `$default` route: whatever no route matches gets the contract's 404. */
export const handler = async (event: APIGatewayProxyEventV2) =>
  errorResponse(
    new AppError('route_not_found', `No endpoint ${event.requestContext.http.method} ${event.rawPath}. See /v1/openapi.json.`),
    event.requestContext.requestId,
  );
